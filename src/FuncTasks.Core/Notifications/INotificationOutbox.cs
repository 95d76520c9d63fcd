namespace FuncTasks.Core.Notifications;

/// <summary>
/// The outbox's bookkeeping: each task's pending-events marker (written by the task store in the same transaction as
/// the change) and the per-subscription, per-task delivery cursors. Every replace and delete is guarded by the row's
/// ETag and answers null/false when the row changed meanwhile.
/// </summary>
public interface INotificationOutbox
{
    Task<OutboxMarker?> GetMarkerAsync(Guid taskId, CancellationToken cancellationToken);

    Task<OutboxMarker?> TryReplaceMarkerAsync(OutboxMarker marker, CancellationToken cancellationToken);

    /// <summary>Tasks whose marker is pending: the recovery sweep (a query over the tasks table, never on a request path).</summary>
    IAsyncEnumerable<Guid> PendingTasksAsync(CancellationToken cancellationToken);

    Task<DeliveryCursor?> GetCursorAsync(Guid subscriptionId, Guid taskId, CancellationToken cancellationToken);

    /// <summary>Inserts the cursor; null when one exists already.</summary>
    Task<DeliveryCursor?> TryAddCursorAsync(DeliveryCursor cursor, CancellationToken cancellationToken);

    Task<DeliveryCursor?> TryReplaceCursorAsync(DeliveryCursor cursor, CancellationToken cancellationToken);

    Task<bool> TryDeleteCursorAsync(DeliveryCursor cursor, CancellationToken cancellationToken);

    /// <summary>The subscription's cursors: the tasks with events still to deliver to it.</summary>
    IAsyncEnumerable<DeliveryCursor> CursorsAsync(Guid subscriptionId, CancellationToken cancellationToken);
}
