using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Commands;

public sealed record NewStep(string? Name, string? Action, string? Description, IReadOnlyDictionary<string, ParamValue>? Params)
{
    /// <summary>The step's retry policy (null: the task's, then the configured default).</summary>
    public StepRetryPolicy? Retry { get; init; }

    /// <summary>Longest one attempt may run, in seconds.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>The step row of a validated new step: pending, names trimmed, action lower-case.</summary>
    public TaskStep ToPendingStep(Guid taskId, int index, DateTimeOffset now) => new()
    {
        TaskId = taskId,
        Index = index,
        Name = Name!.Trim(),
        Action = Action!.Trim().ToLowerInvariant(),
        Description = Description,
        Params = Params ?? StepParams.Empty,
        Status = StepState.Pending,
        CreatedAt = now,
        Retry = Retry,
        TimeoutSeconds = TimeoutSeconds,
    };
}
