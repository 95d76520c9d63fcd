namespace FuncTasks.Api.Dr;

/// <summary>A failure as a serialised exception: the task's error, its <c>cause</c> the action's exception (recursive).</summary>
public sealed record DrError(
    DrError? Cause,
    IReadOnlyList<DrStackFrame> StackTrace,
    string Message,
    IReadOnlyList<DrError> Suppressed,
    string LocalizedMessage);
