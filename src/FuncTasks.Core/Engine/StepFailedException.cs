namespace FuncTasks.Core.Engine;

/// <summary>The task-level failure: names the step; the action's exception is its inner exception.</summary>
public sealed class StepFailedException(string stepName, string action, Exception inner)
    : Exception($"Step '{stepName}' ({action}) failed: {inner.Message}", inner)
{
    public string StepName { get; } = stepName;
}
