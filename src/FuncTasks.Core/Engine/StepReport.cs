using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>
/// What one <c>ExecuteStep</c> activity reports to the orchestrator: the outcome of the last step it ran, and with
/// <see cref="StepRunKind.StepCompleted"/> how long the orchestrator waits (on a durable timer) before the next activity
/// when the task's next step is a <c>delay</c> step (claimed: it shows as started) or waits for its next attempt (null: run
/// the next activity at once, the activity handed back after its time budget); with <see cref="StepRunKind.Waiting"/>, how
/// long until the external step's <c>timeoutSeconds</c> ends its attempt. <paramref name="Broken"/> is set when the host
/// could not run the step to an outcome at all (its activity failed on every attempt, e.g. storage unreachable).
/// </summary>
public sealed record StepReport(StepRunKind Kind, TimeSpan? NextDelay = null, FailureDetails? Broken = null)
{
    public static StepReport BrokenRun(FailureDetails failure) => new(StepRunKind.StepFailed, Broken: failure);
}
