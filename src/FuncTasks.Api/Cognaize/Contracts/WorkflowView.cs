namespace FuncTasks.Api.Cognaize;

/// <summary>A stored workflow; a parameter shown with a type and no value is an input given at start.</summary>
public sealed record WorkflowView(
    string WorkflowId,
    string Name,
    string Type,
    string? Description,
    string CreatedAt,
    IReadOnlyList<WorkflowStepView> Steps);
