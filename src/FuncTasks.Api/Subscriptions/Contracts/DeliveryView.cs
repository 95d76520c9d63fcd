namespace FuncTasks.Api.Subscriptions;

/// <summary>One delivery attempt: <c>outcome</c> is DELIVERED, FAILED (to be redelivered) or GAVE_UP; <c>statusCode</c> null without an answer.</summary>
public sealed record DeliveryView(
    string EventId,
    string EventType,
    string TaskId,
    int Attempt,
    string At,
    int? StatusCode,
    long LatencyMs,
    string Outcome,
    string? Error);
