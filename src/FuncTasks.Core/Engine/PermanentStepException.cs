namespace FuncTasks.Core;

/// <summary>
/// Thrown by a step action whose failure no retry can fix (bad input, a refusal by the target): the step fails at once,
/// whatever its retry policy. Any other exception of an action counts as transient (error class <c>action</c>).
/// </summary>
public class PermanentStepException(string message, Exception? inner = null) : Exception(message, inner);
