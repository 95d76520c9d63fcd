using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>Durable storage of tasks: one partition per task, every update guarded by ETags.</summary>
public interface ITaskStore
{
    /// <summary>Inserts the task and its steps atomically.</summary>
    Task<TaskSnapshot> CreateAsync(TaskRecord task, IReadOnlyList<TaskStep> steps, CancellationToken cancellationToken);

    /// <summary>The task and its steps with their ETags (one partition query), for a command that writes; null when it does not exist.</summary>
    Task<TaskSnapshot?> GetAsync(Guid taskId, bool includeAttempts, CancellationToken cancellationToken);

    /// <summary>
    /// The task and its steps for reading only (a GET): one point read where the task row keeps a view of its steps (ADR
    /// 0006), else <see cref="GetAsync"/>. Its steps may carry no ETags: a command reads with <see cref="GetAsync"/> before
    /// it writes. Null when the task does not exist.
    /// </summary>
    Task<TaskSnapshot?> ReadAsync(Guid taskId, CancellationToken cancellationToken) => GetAsync(taskId, includeAttempts: false, cancellationToken);

    /// <summary>Reads only the task row.</summary>
    Task<TaskRecord?> GetTaskAsync(Guid taskId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the changed rows of one task in one entity-group transaction, each guarded by its ETag
    /// (attempts are inserted). Throws <see cref="ConcurrencyConflictException"/> when any ETag is stale.
    /// Returns the snapshot with the new ETags.
    /// </summary>
    Task<TaskSnapshot> SaveAsync(TaskSnapshot current, TaskUpdate update, CancellationToken cancellationToken);

    /// <summary>One page of task rows, newest first, without loading the others into memory.</summary>
    Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken);

    /// <summary>The task's audit trail in order (see <see cref="TaskAudit"/>); null when the task does not exist.</summary>
    Task<IReadOnlyList<TaskEvent>?> GetEventsAsync(Guid taskId, CancellationToken cancellationToken);

    /// <summary>
    /// The snapshot this store wrote when the given run of a task started (created, retried, restarted) in this process, if
    /// it still holds it: a runner that picks the run up here may begin from it instead of reading the task again. Taken
    /// once; null when unknown (a stale one only costs an ETag conflict and a re-read).
    /// </summary>
    TaskSnapshot? TakeStarted(Guid taskId, int generation) => null;
}
