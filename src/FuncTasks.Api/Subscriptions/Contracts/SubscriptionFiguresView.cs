namespace FuncTasks.Api.Subscriptions;

/// <summary>How a subscription's deliveries are going: events delivered, failed attempts, events given up, and the last error.</summary>
public sealed record SubscriptionFiguresView(
    long Delivered,
    long FailedAttempts,
    long GaveUp,
    bool Failing,
    string? LastError,
    string? LastErrorAt,
    string? LastDeliveryAt);
