using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace FuncTasks.Functions.Durable;

/// <summary>
/// The orchestrator and activities of a task run. The loop is Core's (<see cref="OrchestratedTaskLoop"/>);
/// this file only maps <see cref="ITaskOrchestration"/> to Durable: activities, a durable timer and the
/// <c>resume</c> event. Orchestrator code is deterministic: no clock, GUID, I/O or Task.Delay.
/// </summary>
public sealed class TaskRunOrchestration(TaskRunActivities activities)
{
    // Infrastructure failures only (storage unreachable, host stopping): a failing step is an outcome, not an exception.
    private static readonly TaskOptions ActivityRetry = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(2)));

    [Function(nameof(RunTask))]
    public static Task<StepRunKind> RunTask([OrchestrationTrigger] TaskOrchestrationContext context) =>
        OrchestratedTaskLoop.RunAsync(new DurableOrchestration(context), context.GetInput<TaskRun>()
            ?? throw new InvalidOperationException($"Orchestration {context.InstanceId} has no input."));

    [Function(nameof(ExecuteStep))]
    public Task<StepReport> ExecuteStep([ActivityTrigger] TaskRun run, FunctionContext function) =>
        activities.ExecuteStepAsync(run, function.CancellationToken);

    [Function(nameof(NextDelay))]
    public Task<TimeSpan?> NextDelay([ActivityTrigger] TaskRun run, FunctionContext function) =>
        activities.NextDelayAsync(run, function.CancellationToken);

    [Function(nameof(FailRun))]
    public Task FailRun([ActivityTrigger] BrokenRun run, FunctionContext function) =>
        activities.FailRunAsync(run, function.CancellationToken);

    private sealed class DurableOrchestration(TaskOrchestrationContext context) : ITaskOrchestration
    {
        public async Task<StepReport> ExecuteStepAsync(TaskRun run)
        {
            try
            {
                return await context.CallActivityAsync<StepReport>(nameof(ExecuteStep), run, ActivityRetry);
            }
            catch (TaskFailedException ex)
            {
                var failure = ex.FailureDetails;
                return StepReport.BrokenRun(new FailureDetails(failure.ErrorType, failure.ErrorMessage, failure.StackTrace));
            }
        }

        public Task<TimeSpan?> NextDelayAsync(TaskRun run) =>
            context.CallActivityAsync<TimeSpan?>(nameof(NextDelay), run, ActivityRetry);

        public Task FailRunAsync(BrokenRun run) =>
            context.CallActivityAsync(nameof(FailRun), run, ActivityRetry);

        public Task DelayAsync(TimeSpan delay) => context.CreateTimer(delay, CancellationToken.None);

        public async Task<int?> WaitForResumeAsync(TimeSpan timeout)
        {
            try
            {
                return await context.WaitForExternalEvent<int>(DurableTaskRunner.ResumeEvent, timeout);
            }
            catch (TaskCanceledException)
            {
                return null;
            }
        }
    }
}
