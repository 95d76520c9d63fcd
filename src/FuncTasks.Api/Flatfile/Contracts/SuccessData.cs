namespace FuncTasks.Api.Flatfile;

public sealed record SuccessData(bool Success);
