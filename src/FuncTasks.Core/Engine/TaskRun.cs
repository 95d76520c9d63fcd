using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>
/// One run of a task under an orchestrator (Durable Functions): the orchestration input and the input of
/// each activity. <paramref name="Generation"/> is the run generation the orchestration works for;
/// <paramref name="ResumeTimeout"/> how long it waits to be resumed after a failure or an external step.
/// </summary>
public sealed record TaskRun(Guid TaskId, int Generation, TimeSpan ResumeTimeout)
{
    /// <summary>
    /// How the orchestrator retries an activity that failed to run (not a failing step, which is an outcome): carried in the
    /// input so that the orchestrator stays deterministic; null takes <see cref="ActivityRetry.Default"/>.
    /// </summary>
    public ActivityRetry? Retry { get; init; }
}
