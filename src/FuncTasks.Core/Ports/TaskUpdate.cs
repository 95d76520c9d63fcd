using FuncTasks.Core.Model;

namespace FuncTasks.Core;

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
