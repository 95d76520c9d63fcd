using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>
/// A domain outcome that each dialect translates to its own status code and body. The outcome carries typed facts;
/// <see cref="Exception.Message"/> is plain engine English for logs, never what a dialect puts on the wire.
/// </summary>
public abstract class FuncTasksException(string message) : Exception(message);
