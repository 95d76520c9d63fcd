namespace FuncTasks.Api.Flatfile;

public sealed record AckJobRequest(string? Info, int? Progress, string? EstimatedCompletionAt);
