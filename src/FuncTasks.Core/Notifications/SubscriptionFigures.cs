namespace FuncTasks.Core.Notifications;

/// <summary>How a subscription's deliveries are going.</summary>
public sealed record SubscriptionFigures
{
    /// <summary>Events delivered (answered 2xx).</summary>
    public long Delivered { get; init; }

    /// <summary>Attempts that failed (non-2xx, no answer in time, refused connection).</summary>
    public long FailedAttempts { get; init; }

    /// <summary>Events given up after <see cref="NotificationOptions.GiveUpAfter"/>.</summary>
    public long GaveUp { get; init; }

    /// <summary>Give-ups since the last delivery: at <see cref="NotificationOptions.DisableAfterGiveUps"/> the subscription is disabled.</summary>
    public int GiveUpsInARow { get; init; }

    /// <summary>Whether the last attempt failed.</summary>
    public bool Failing { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }

    public DateTimeOffset? LastDeliveryAt { get; init; }

    public string? ETag { get; init; }
}
