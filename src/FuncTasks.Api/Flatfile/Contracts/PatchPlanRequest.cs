namespace FuncTasks.Api.Flatfile;

public sealed record PatchPlanRequest(IReadOnlyList<PatchPlanStep> Steps);
