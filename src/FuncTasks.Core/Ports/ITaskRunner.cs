using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>Schedules and resumes task runs (queue runner locally, Durable orchestrations on Azure).</summary>
public interface ITaskRunner
{
    /// <summary>Starts or resumes the task's run for the given generation.</summary>
    Task ScheduleAsync(Guid taskId, int generation, CancellationToken cancellationToken);

    /// <summary>Signals a running step of a task that has just been marked cancelled.</summary>
    Task CancelAsync(Guid taskId, CancellationToken cancellationToken);

    /// <summary>
    /// The task finished outside a run (its last external step was completed through the API) or was deleted: a run still
    /// waiting for it may end. Nothing waits on the queue runner; the Durable runner lets the waiting orchestration complete.
    /// </summary>
    Task ReleaseAsync(Guid taskId, int generation, CancellationToken cancellationToken) => Task.CompletedTask;
}
