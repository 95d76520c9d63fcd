namespace FuncTasks.Core.Engine;

/// <summary>An attempt took longer than the step's <c>timeoutSeconds</c> (or the engine's step timeout).</summary>
public sealed class StepTimeoutException(TimeSpan timeout)
    : TimeoutException($"The step did not finish within {timeout.TotalSeconds:0.###} s and was stopped.");
