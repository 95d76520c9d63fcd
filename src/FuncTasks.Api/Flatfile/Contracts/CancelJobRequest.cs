namespace FuncTasks.Api.Flatfile;

public sealed record CancelJobRequest(string? Info);
