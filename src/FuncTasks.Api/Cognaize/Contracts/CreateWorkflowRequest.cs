namespace FuncTasks.Api.Cognaize;

/// <summary>Body of POST /api/v1/workflows (documentation shape).</summary>
public sealed record CreateWorkflowRequest(string Name, string? Type, string? Description, IReadOnlyList<WorkflowStepView> Steps);
