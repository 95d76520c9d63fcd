namespace FuncTasks.Api.Cognaize;

public sealed record ProcessView(
    string ProcessId,
    string? WorkflowId,
    string Name,
    string Type,
    string Status,
    int Progress,
    string CreatedAt,
    string? StartedAt,
    string? CompletedAt,
    ProcessError? Error,
    IReadOnlyList<ProcessStepView> Steps,
    IReadOnlyList<ProcessEventView>? Events = null);
