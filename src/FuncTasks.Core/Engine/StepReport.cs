using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>
/// What one step run reports to the orchestrator: the outcome, and when the task's next step is a
/// <c>delay</c> or waits for its next attempt how long the orchestrator waits (on a durable timer) before running it;
/// with <see cref="StepRunKind.Waiting"/>, how long until the external step's <c>timeoutSeconds</c> ends its attempt.
/// <paramref name="Broken"/> is set when the host could not run the step to an outcome at all
/// (its activity failed on every attempt, e.g. storage unreachable).
/// </summary>
public sealed record StepReport(StepRunKind Kind, TimeSpan? NextDelay = null, FailureDetails? Broken = null)
{
    public static StepReport BrokenRun(FailureDetails failure) => new(StepRunKind.StepFailed, Broken: failure);
}
