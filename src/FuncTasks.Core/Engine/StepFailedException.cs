namespace FuncTasks.Core.Engine;

/// <summary>The task-level failure: names the step; the action's exception is its inner exception.</summary>
public sealed class StepFailedException(string stepName, string action, Exception inner, int attempts = 1)
    : Exception($"Step '{stepName}' ({action}) failed{(attempts > 1 ? $" after {attempts} attempts" : string.Empty)}: {inner.Message}", inner)
{
    /// <summary>Attempts of the step's last set of attempts (its retry policy's), the failed one included.</summary>
    public int Attempts { get; } = attempts;

    public string StepName { get; } = stepName;
}

/// <summary>The step names an action that is not registered on this host.</summary>
public sealed class UnknownActionException(string action)
    : Exception($"No step action named '{action}' is registered on this host.");

/// <summary>An attempt took longer than the step's <c>timeoutSeconds</c> (or the engine's step timeout).</summary>
public sealed class StepTimeoutException(TimeSpan timeout)
    : TimeoutException($"The step did not finish within {timeout.TotalSeconds:0.###} s and was stopped.");
