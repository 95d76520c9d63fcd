namespace FuncTasks.Api.Cognaize;

/// <summary>One finished attempt of a step, with the parameters it ran with.</summary>
public sealed record ProcessStepAttemptView(
    int Number,
    string Status,
    IReadOnlyDictionary<string, ProcessParam> Params,
    string StartedAt,
    string FinishedAt,
    ProcessError? Error);
