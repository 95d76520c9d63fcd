namespace FuncTasks.Core.Engine;

/// <summary>The task-level failure: names the step; the action's exception is its inner exception.</summary>
public sealed class StepFailedException(string stepName, string action, Exception inner)
    : Exception($"Step '{stepName}' ({action}) failed: {inner.Message}", inner)
{
    public string StepName { get; } = stepName;
}

/// <summary>The step names an action that is not registered on this host.</summary>
public sealed class UnknownActionException(string action)
    : Exception($"No step action named '{action}' is registered on this host.");

/// <summary>An attempt took longer than the engine's step timeout.</summary>
public sealed class StepTimeoutException(TimeSpan timeout)
    : TimeoutException($"The step did not finish within {timeout.TotalSeconds:0.###} s and was stopped.");
