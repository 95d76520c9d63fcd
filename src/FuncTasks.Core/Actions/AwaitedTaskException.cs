using FuncTasks.Core.Model;

namespace FuncTasks.Core.Actions;

/// <summary>An awaited task failed, was cancelled or does not exist, so the waiting step fails.</summary>
public sealed class AwaitedTaskException(string message) : Exception(message);
