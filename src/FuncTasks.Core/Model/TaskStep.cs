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

    /// <summary>The step's own retry policy; null takes the task's, then the configured default.</summary>
    public StepRetryPolicy? Retry { get; init; }

    /// <summary>Longest one attempt may run, in seconds; null: the engine's <c>StepTimeout</c>.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>Attempts of the current set that failed and were retried (0 when the set starts: at create, retry, restart).</summary>
    public int FailedAttempts { get; init; }

    /// <summary>While the step waits to be tried again (Started, no active attempt): when its next attempt is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>True while the step waits for its next attempt after a failure its retry policy retries.</summary>
    public bool IsWaitingToRetry => Status == StepState.Started && ActiveAttempt is null && NextAttemptAt is not null;

    public string? ETag { get; init; }
}
