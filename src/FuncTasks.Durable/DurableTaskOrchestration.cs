using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.DurableTask;

namespace FuncTasks.Durable;

/// <summary>
/// <see cref="ITaskOrchestration"/> on a Durable orchestration: activities, durable timers and the <c>resume</c> event.
/// It holds no logic of its own. Deterministic: no clock but <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>,
/// no GUID, I/O or Task.Delay.
/// </summary>
public sealed class DurableTaskOrchestration(TaskOrchestrationContext context) : ITaskOrchestration
{
    // Infrastructure failures only (storage unreachable, host stopping): a failing step is an outcome, not an exception.
    private static TaskOptions Retry(TaskRun run)
    {
        var retry = run.Retry ?? ActivityRetry.Default;
        // Settings are validated at start; a run input from elsewhere is clamped so that the policy itself never throws.
        var first = retry.FirstInterval > TimeSpan.Zero ? retry.FirstInterval : ActivityRetry.Default.FirstInterval;
        return TaskOptions.FromRetryPolicy(new RetryPolicy(
            maxNumberOfAttempts: Math.Max(1, retry.MaxAttempts), firstRetryInterval: first, backoffCoefficient: 2,
            maxRetryInterval: retry.MaxInterval > first ? retry.MaxInterval : first));
    }

    public async Task<StepReport> ExecuteStepAsync(TaskRun run)
    {
        try
        {
            return await context.CallActivityAsync<StepReport>(TaskRunOrchestrator.ExecuteStepActivity, run, Retry(run));
        }
        catch (TaskFailedException ex)
        {
            return StepReport.BrokenRun(Broken(ex));
        }
    }

    private static FailureDetails Broken(TaskFailedException exception) =>
        new(exception.FailureDetails.ErrorType, exception.FailureDetails.ErrorMessage, exception.FailureDetails.StackTrace);

    /// <summary>
    /// Marks the run broken. If even that cannot be stored, the orchestration still goes on to wait for a resume instead of
    /// failing: the task then stays in progress, and a cancel (which needs no orchestration) still ends it.
    /// </summary>
    public async Task FailRunAsync(BrokenRun run)
    {
        try
        {
            await context.CallActivityAsync(TaskRunOrchestrator.FailRunActivity, run, Retry(new TaskRun(run.TaskId, run.Generation, TimeSpan.Zero)));
        }
        catch (TaskFailedException)
        {
        }
    }

    /// <summary>
    /// Waits on a durable timer, and on another until the orchestration's own clock has passed the due time: a backend may
    /// fire a timer early (Durable's Azure Storage provider on Azurite does, by up to a second), and a delay step never ends early.
    /// </summary>
    public async Task DelayAsync(TimeSpan delay)
    {
        var due = context.CurrentUtcDateTime + delay;
        do
        {
            await context.CreateTimer(due, CancellationToken.None);
        }
        while (context.CurrentUtcDateTime < due);
    }

    public async Task<int?> WaitForResumeAsync(TimeSpan timeout)
    {
        try
        {
            return await context.WaitForExternalEvent<int>(TaskRunOrchestrator.ResumeEvent, timeout);
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }
}
