namespace FuncTasks.Core.Model;

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
