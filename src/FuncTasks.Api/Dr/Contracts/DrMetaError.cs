namespace FuncTasks.Api.Dr;

public sealed record DrMetaError(string Code, string Message, string? Field);
