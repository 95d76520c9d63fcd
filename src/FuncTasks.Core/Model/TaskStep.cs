namespace FuncTasks.Core.Model;

/// <summary>
/// A step row. <see cref="ActiveAttempt"/> is the attempt currently claimed by a runner
/// (null when the step waits to be run, e.g. just restarted with new parameters).
/// </summary>
public sealed record TaskStep
{
    public required Guid TaskId { get; init; }
    public required int Index { get; init; }
    public Guid Id => TaskIds.StepId(TaskId, Index);
    public required string Name { get; init; }
    public required string Action { get; init; }
    public string? Description { get; init; }
    public required IReadOnlyDictionary<string, ParamValue> Params { get; init; }
    public required StepState Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public int AttemptCount { get; init; }
    public int? ActiveAttempt { get; init; }
    public FailureDetails? Error { get; init; }

    /// <summary>What the action returned (capped), e.g. an HTTP response excerpt or an agent's outcome.</summary>
    public string? Output { get; init; }

    public string? ETag { get; init; }
}
