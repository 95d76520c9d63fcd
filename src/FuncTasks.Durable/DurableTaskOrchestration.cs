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
    private static readonly TaskOptions ActivityRetry = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(2)));

    public async Task<StepReport> ExecuteStepAsync(TaskRun run)
    {
        try
        {
            return await context.CallActivityAsync<StepReport>(TaskRunOrchestrator.ExecuteStepActivity, run, ActivityRetry);
        }
        catch (TaskFailedException ex)
        {
            var failure = ex.FailureDetails;
            return StepReport.BrokenRun(new FailureDetails(failure.ErrorType, failure.ErrorMessage, failure.StackTrace));
        }
    }

    public Task<TimeSpan?> StartDelayAsync(TaskRun run) =>
        context.CallActivityAsync<TimeSpan?>(TaskRunOrchestrator.StartDelayActivity, run, ActivityRetry);

    public Task FailRunAsync(BrokenRun run) =>
        context.CallActivityAsync(TaskRunOrchestrator.FailRunActivity, run, ActivityRetry);

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
