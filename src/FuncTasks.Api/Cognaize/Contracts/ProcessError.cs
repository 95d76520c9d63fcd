namespace FuncTasks.Api.Cognaize;

public sealed record ProcessError(string Type, string Message, ProcessError? Cause);
