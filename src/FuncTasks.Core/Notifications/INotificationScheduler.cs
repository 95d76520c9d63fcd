namespace FuncTasks.Core.Notifications;

/// <summary>
/// Gets notifications going: told by the task store after every committed change that recorded events, and by the
/// dispatcher when a delivery must be tried again later. The LocalHost works in process (its dispatcher service); the
/// Functions app sends queue messages to its notification trigger. Losing a call (a crash) delays delivery until the
/// recovery sweep, never loses it: the marker and the cursors are in storage.
/// </summary>
public interface INotificationScheduler
{
    /// <summary>The task has new events (committed). Must not block the caller.</summary>
    void TaskChanged(Guid taskId);

    /// <summary>Try the subscription's deliveries of the task again after <paramref name="delay"/>.</summary>
    Task RedeliverAsync(Guid subscriptionId, Guid taskId, TimeSpan delay, CancellationToken cancellationToken);
}
