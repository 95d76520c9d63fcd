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

/// <summary>One finished attempt of a step: when, with which parameters, and how it ended.</summary>
public sealed record StepAttempt
{
    public required Guid TaskId { get; init; }
    public required int StepIndex { get; init; }
    public required int Number { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required IReadOnlyDictionary<string, ParamValue> Params { get; init; }

    /// <summary>Completed, Failed or Cancelled; Started for an attempt interrupted by a crash.</summary>
    public required StepState Outcome { get; init; }

    public FailureDetails? Error { get; init; }
}

/// <summary>A task with its steps (and, when asked for, their finished attempts) as read in one partition query.</summary>
public sealed record TaskSnapshot(TaskRecord Task, IReadOnlyList<TaskStep> Steps, IReadOnlyList<StepAttempt> Attempts)
{
    public TaskStep? NextRunnableStep => Steps.FirstOrDefault(s => !s.Status.IsDone());

    public TaskStep? FailedStep => Steps.FirstOrDefault(s => s.Status == StepState.Failed);

    public IEnumerable<StepAttempt> AttemptsOf(int stepIndex) => Attempts.Where(a => a.StepIndex == stepIndex).OrderBy(a => a.Number);

    public TaskSnapshot With(TaskRecord? task = null, IEnumerable<TaskStep>? steps = null)
    {
        var changed = steps?.ToDictionary(s => s.Index) ?? [];
        return this with
        {
            Task = task ?? Task,
            Steps = changed.Count == 0 ? Steps : Steps.Select(s => changed.GetValueOrDefault(s.Index, s)).ToList(),
        };
    }
}
