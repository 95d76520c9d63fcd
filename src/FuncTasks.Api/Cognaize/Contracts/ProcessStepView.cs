namespace FuncTasks.Api.Cognaize;

public sealed record ProcessStepView(
    string ProcessStepId,
    string Name,
    string Action,
    string Status,
    IReadOnlyDictionary<string, ProcessParam> Params,
    string? StartedAt,
    string? CompletedAt,
    string? Output,
    ProcessError? Error,
    IReadOnlyList<ProcessStepAttemptView> Attempts)
{
    /// <summary>The step's own retry policy (absent when it has none).</summary>
    public WireFormat.RetryContract? Retry { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>While the step waits to be tried again after a failure: when its next attempt is due.</summary>
    public string? NextAttemptAt { get; init; }
}
