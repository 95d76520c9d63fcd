namespace FuncTasks.Api.Flatfile;

public sealed record JobStepError(string Type, string Message);
