namespace FuncTasks.Api.Pipeline;

public sealed record Caller(string Name, KeyRole Role);
