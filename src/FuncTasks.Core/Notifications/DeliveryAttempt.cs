namespace FuncTasks.Core.Notifications;

/// <summary>One attempt to deliver one event to one subscription, kept for debugging (the most recent ones).</summary>
public sealed record DeliveryAttempt
{
    public required Guid SubscriptionId { get; init; }

    public required string EventId { get; init; }

    public required string EventType { get; init; }

    public required Guid TaskId { get; init; }

    /// <summary>1 for the first try of this event, 2 for the first redelivery, ...</summary>
    public required int Attempt { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The receiver's status code; null when it did not answer.</summary>
    public int? StatusCode { get; init; }

    public required long LatencyMs { get; init; }

    public required DeliveryOutcome Outcome { get; init; }

    public string? Error { get; init; }
}
