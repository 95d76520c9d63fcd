namespace FuncTasks.Core.Notifications;

/// <summary>
/// One subscription's progress through one task's events: delivered through <see cref="Delivered"/>, to deliver through
/// <see cref="Target"/> (positions, see <see cref="NotificationEvent.Position"/>). A host delivers only while it holds the
/// lease (taken and renewed with the row's ETag), so one event is never delivered by two hosts at once, and a task's
/// events go in order. The row exists only while something is left to deliver.
/// </summary>
public sealed record DeliveryCursor
{
    public required Guid SubscriptionId { get; init; }

    public required Guid TaskId { get; init; }

    public long Delivered { get; init; }

    public long Target { get; init; }

    /// <summary>Failed attempts of the next event.</summary>
    public int Attempts { get; init; }

    public DateTimeOffset? FirstFailedAt { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public string? LeaseOwner { get; init; }

    public DateTimeOffset? LeaseUntil { get; init; }

    public string? ETag { get; init; }

    public bool IsHeld(string owner, DateTimeOffset now) => LeaseOwner is not null && LeaseOwner != owner && LeaseUntil > now;
}
