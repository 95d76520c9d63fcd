namespace FuncTasks.Core.Engine;

/// <summary>The task-level failure: names the step; the action's exception is its inner exception.</summary>
public sealed class StepFailedException(string stepName, string action, Exception inner, int attempts = 1)
    : Exception($"Step '{stepName}' ({action}) failed{(attempts > 1 ? $" after {attempts} attempts" : string.Empty)}: {inner.Message}", inner)
{
    /// <summary>Attempts of the step's last set of attempts (its retry policy's), the failed one included.</summary>
    public int Attempts { get; } = attempts;

    public string StepName { get; } = stepName;
}
