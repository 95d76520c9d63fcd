namespace FuncTasks.Core.Engine;

/// <summary>
/// What a host gives the orchestration loop: run the next step (an activity under Durable, a direct call
/// in the queue runner) and wait to be resumed after a failure or while an external step waits.
/// </summary>
public interface ITaskLoopContext
{
    Task<StepRunKind> RunNextStepAsync();

    /// <summary>
    /// Waits until the task is resumed (retry, restart-failed-step, external completion): true to carry on,
    /// false to end the loop (cancelled, timed out, or a host that resumes by scheduling a new run).
    /// </summary>
    Task<bool> WaitForResumeAsync(StepRunKind reason);
}
