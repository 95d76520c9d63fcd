using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>
/// The orchestration primitives the loop needs. The Durable implementation maps them to activities
/// (<see cref="TaskRunActivities"/>), a durable timer and the <c>resume</c> external event; it holds no logic.
/// </summary>
public interface ITaskOrchestration
{
    /// <summary>
    /// Runs the task's steps from the next one (an activity, retried by the host) until one fails, waits, needs a durable wait
    /// or the activity's time budget passes (see <see cref="TaskRunActivities.ExecuteStepAsync"/>); a run that never reached
    /// an outcome returns <see cref="StepReport.BrokenRun"/>.
    /// </summary>
    Task<StepReport> ExecuteStepAsync(TaskRun run);

    /// <summary>Marks a broken run failed so that it can be retried (an activity).</summary>
    Task FailRunAsync(BrokenRun run);

    /// <summary>Waits on a durable timer.</summary>
    Task DelayAsync(TimeSpan delay);

    /// <summary>Waits for the <c>resume</c> event; returns its payload (the run generation to carry on with), or null when the timeout passed first.</summary>
    Task<int?> WaitForResumeAsync(TimeSpan timeout);
}
