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
    IReadOnlyList<ProcessStepAttemptView> Attempts);
