namespace FuncTasks.Api.Cognaize;

public sealed record WorkflowStepView(string Name, string Action, string? Description, IReadOnlyDictionary<string, ProcessParam> Params);
