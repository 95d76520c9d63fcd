using FuncTasks.Core;
using FuncTasks.Core.Engine;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Durable;

/// <summary>
/// <see cref="ITaskRunner"/> over Durable: one orchestration per task, instance id = task id.
/// Scheduling starts <see cref="TaskRunOrchestrator"/> when no instance runs, or raises <c>resume</c>
/// (payload: the new run generation) to the one that waits after a failure or on an external step.
/// Cancel (the task is already marked cancelled in the table) signals a step running in this process and
/// terminates the instance, which ends a wait on a timer or on <c>resume</c> at once.
/// </summary>
public sealed partial class DurableTaskRunner(
    IDurableClientProvider clients,
    RunningSteps running,
    IOptions<OrchestrationOptions> options,
    ILogger<DurableTaskRunner> logger) : ITaskRunner
{
    public Task ScheduleAsync(Guid taskId, int generation, CancellationToken cancellationToken) =>
        EngineCallAsync(() => StartOrResumeAsync(taskId, generation, cancellationToken), cancellationToken);

    public async Task CancelAsync(Guid taskId, CancellationToken cancellationToken)
    {
        // Terminate first, then signal the step: a step that stops at once would otherwise let the orchestration finish
        // normally before the terminate reaches it. A step running in this process stops at once; one running elsewhere
        // is signalled by its activity's watcher (OrchestrationOptions.CancelCheckInterval) and records Cancelled.
        try
        {
            // Not cut by the request's deadline: the cancel is stored already, the terminate completes it.
            await TerminateAsync(taskId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The cancel is stored already: an orchestration left running finds the task cancelled at its next activity
            // (after a timer, when it fires) and ends there, running nothing.
            LogTerminateFailed(ex, taskId);
        }
        finally
        {
            running.Cancel(taskId);
        }
    }

    /// <summary>A finished task's orchestration that still waits for <c>resume</c> is resumed once more: it finds nothing to run and completes.</summary>
    public async Task ReleaseAsync(Guid taskId, int generation, CancellationToken cancellationToken)
    {
        var client = clients.Client;
        var instanceId = TaskRunOrchestrator.InstanceId(taskId);
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is
            { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending })
        {
            await client.RaiseEventAsync(instanceId, TaskRunOrchestrator.ResumeEvent, generation, cancellationToken);
        }
    }

    /// <summary>The engine unreachable or failing on its side (its gRPC channel, its storage) is an outage for the caller, not a bug.</summary>
    private static async Task EngineCallAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not (ArgumentException or OperationCanceledException))
        {
            throw new RunnerUnavailableException($"The Durable engine did not take the request: {ex.Message}", ex);
        }
    }

    private async Task StartOrResumeAsync(Guid taskId, int generation, CancellationToken cancellationToken)
    {
        var client = clients.Client;
        var instanceId = TaskRunOrchestrator.InstanceId(taskId);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            // Buffered by Durable until the orchestrator waits for it.
            await client.RaiseEventAsync(instanceId, TaskRunOrchestrator.ResumeEvent, generation, cancellationToken);
            LogResumed(taskId, generation);
            return;
        }

        // None yet, or finished (completed, failed, terminated): a new orchestration replaces it
        // (Functions: host.json overridableExistingInstanceStates = NonRunningStates; the Azure Storage backend's default).
        await client.ScheduleNewOrchestrationInstanceAsync(
            TaskRunOrchestrator.Name,
            new TaskRun(taskId, generation, options.Value.ResumeTimeout) { Retry = options.Value.ActivityRetry },
            new StartOrchestrationOptions(InstanceId: instanceId),
            cancellationToken);
        LogStarted(taskId, generation);
    }

    private async Task TerminateAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var client = clients.Client;
        var instanceId = TaskRunOrchestrator.InstanceId(taskId);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is { IsCompleted: false })
        {
            await client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions { Output = "Cancelled through the API." }, cancellationToken);
            LogTerminated(taskId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: orchestration started (run {Generation})")]
    private partial void LogStarted(Guid taskId, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: resume raised (run {Generation})")]
    private partial void LogResumed(Guid taskId, int generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: cancelled, but its orchestration could not be terminated now; it ends at its next activity")]
    private partial void LogTerminateFailed(Exception exception, Guid taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: orchestration terminated (cancelled)")]
    private partial void LogTerminated(Guid taskId);
}
