namespace FuncTasks.Api.Flatfile;

public sealed record CreateJobPlan(IReadOnlyList<CreateJobStep> Steps);
