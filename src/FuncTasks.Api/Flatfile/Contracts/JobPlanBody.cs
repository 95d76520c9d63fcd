namespace FuncTasks.Api.Flatfile;

/// <summary>
/// <c>{job, plan}</c>: the plan's steps, plus Flatfile's (empty) field-mapping lists so Flatfile clients read it.
/// </summary>
public sealed record JobPlanBody(FlatfileJob Job, FlatfileJobPlan Plan);
