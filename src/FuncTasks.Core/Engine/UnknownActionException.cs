namespace FuncTasks.Core.Engine;

/// <summary>The step names an action that is not registered on this host.</summary>
public sealed class UnknownActionException(string action)
    : Exception($"No step action named '{action}' is registered on this host.");
