namespace FuncTasks.Core.Notifications;

/// <summary>
/// A task's "new events" flag, a row of the task's own partition: every write that records audit events sets
/// <see cref="Pending"/> in the same transaction; a dispatcher claims it (lease, ETag), hands the new events to the
/// subscriptions and clears it with the ETag it read, so a write made meanwhile keeps it pending.
/// </summary>
public sealed record OutboxMarker
{
    public required Guid TaskId { get; init; }

    public bool Pending { get; init; }

    /// <summary>Events through this position have been handed to the subscriptions; -1: none yet.</summary>
    public long FannedOut { get; init; } = -1;

    public string? LeaseOwner { get; init; }

    public DateTimeOffset? LeaseUntil { get; init; }

    public string? ETag { get; init; }
}
