namespace FuncTasks.Core.Model;

/// <summary>The task row. <see cref="Generation"/> grows on every (re)start so stale run messages are ignored.</summary>
public sealed record TaskRecord
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    public string? Description { get; init; }
    public required TaskState Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public required int StepCount { get; init; }
    public int CompletedSteps { get; init; }

    /// <summary>0–100: completed steps over all steps, or what an action reports.</summary>
    public int Progress { get; init; }

    public int Generation { get; init; }

    /// <summary>The origin of a task created by the plain create command when its caller names none.</summary>
    public const string DefaultOrigin = "tasks";

    /// <summary>Which dialect created it: an opaque string each dialect gives (it may list its own tasks by it).</summary>
    public string Origin { get; init; } = DefaultOrigin;

    /// <summary>Dialect-specific data kept with the task (e.g. an agent-driven task's state and its dialect's fields), as JSON.</summary>
    public string? Extensions { get; init; }

    public FailureDetails? Error { get; init; }

    /// <summary>Index of the step that failed, when <see cref="Status"/> is Failed because of a step.</summary>
    public int? FailedStepIndex { get; init; }

    /// <summary>Who created it (an API key's name): the first entry of its audit trail.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>How many writes recorded audit events; the next one is numbered from it, guarded by this row's ETag.</summary>
    public int EventCount { get; init; }

    /// <summary>The task's default retry policy for steps without their own.</summary>
    public StepRetryPolicy? Retry { get; init; }

    public string? ETag { get; init; }
}
