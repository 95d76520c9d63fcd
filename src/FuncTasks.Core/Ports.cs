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

public sealed record TaskUpdate(TaskRecord? Task = null, IReadOnlyList<TaskStep>? Steps = null, IReadOnlyList<StepAttempt>? NewAttempts = null)
{
    public static TaskUpdate Of(TaskRecord task, params TaskStep[] steps) => new(task, steps);

    /// <summary>Steps inserted in the same transaction (new indexes; a plan edited before it ran).</summary>
    public IReadOnlyList<TaskStep>? AddedSteps { get; init; }

    /// <summary>Indexes of steps deleted in the same transaction, each guarded by its ETag.</summary>
    public IReadOnlyList<int>? RemovedSteps { get; init; }

    /// <summary>Deletes the task row and its step rows (guarded by their ETags), then its attempts.</summary>
    public bool DeletesTask { get; init; }

    /// <summary>
    /// Who makes the change, for the audit trail: set by the engine (<see cref="TaskActor.Engine"/>) on its own writes;
    /// null takes the request's caller (<see cref="TaskActor.Current"/>).
    /// </summary>
    public string? Actor { get; init; }

    /// <summary>The command that makes the change (retry, cancel, restart-failed-step, run, ...), recorded with its events.</summary>
    public string? Operation { get; init; }
}

public sealed record TaskQuery(
    int Skip,
    int Take,
    IReadOnlyCollection<TaskState>? Statuses = null,
    string? Type = null,
    string? NameContains = null,
    string? Origin = null,
    bool OldestFirst = false,
    bool CountTotal = true)
{
    /// <summary>A further condition on each task row, checked while paging (e.g. on dialect data in Extensions).</summary>
    public Func<TaskRecord, bool>? Matches { get; init; }
}

public sealed record TaskPage(IReadOnlyList<TaskRecord> Items, int TotalCount);

/// <summary>
/// Tells storage outages apart from bugs: an exception that means the store could not be reached or answered
/// with a server error or a timeout (after the SDK's own retries). The API answers those with 503 and
/// <c>Retry-After</c>; workers back off and try again. Registered by the storage implementation.
/// </summary>
public interface IStorageFaults
{
    bool IsUnavailable(Exception exception);
}

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

/// <summary>What a step does. Implementations should be idempotent: delivery is at-least-once.</summary>
public interface IStepAction
{
    string Name { get; }

    /// <summary>Problems with the parameters, checked when a task is created or a step restarted.</summary>
    IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters);

    /// <summary>Runs one attempt. Throw to fail the step; the exception becomes the step's error.</summary>
    Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}

public sealed record StepContext(
    Guid TaskId,
    Guid StepId,
    string StepName,
    int Attempt,
    IReadOnlyDictionary<string, ParamValue> Params);

public sealed record StepResult
{
    private StepResult(bool waiting, string? output) => (IsWaiting, Output) = (waiting, output);

    /// <summary>The step waits for someone outside (an agent, an operator) to complete it.</summary>
    public bool IsWaiting { get; }

    public string? Output { get; }

    public static StepResult Completed(string? output = null) => new(false, output);

    public static StepResult Waiting() => new(true, null);
}
