namespace FuncTasks.Api.Flatfile;

public sealed record JobError(string? Key, string Message);
