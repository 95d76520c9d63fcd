using FuncTasks.Core;
using FuncTasks.Core.Engine;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Functions.Durable;

/// <summary>
/// <see cref="ITaskRunner"/> over Durable Functions: one orchestration per task, instance id = task id.
/// Scheduling starts <see cref="TaskRunOrchestration.RunTask"/> when no instance runs, or raises <c>resume</c>
/// (payload: the new run generation) to the one that waits after a failure or on an external step.
/// Cancel (the task is already marked cancelled in the table) terminates the instance.
/// </summary>
/// <remarks>
/// The Durable client is an input binding handed to each function invocation, while the runner is a singleton
/// used by Core's commands: every HTTP function runs its handler through <see cref="WithClient"/>.
/// </remarks>
public sealed partial class DurableTaskRunner(RunningSteps running, IOptions<OrchestrationOptions> options, ILogger<DurableTaskRunner> logger) : ITaskRunner
{
    public const string ResumeEvent = "resume";

    private static readonly AsyncLocal<DurableTaskClient?> Client = new();

    /// <summary>Runs an HTTP function's handler with the Durable client bound to that invocation.</summary>
    public static async Task<IResult> WithClient(DurableTaskClient client, Func<Task<IResult>> handler)
    {
        Client.Value = client;
        return await handler();
    }

    public static string InstanceId(Guid taskId) => taskId.ToString("D");

    public async Task ScheduleAsync(Guid taskId, int generation, CancellationToken cancellationToken)
    {
        var client = Current();
        var instanceId = InstanceId(taskId);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            // Buffered by Durable until the orchestrator waits for it.
            await client.RaiseEventAsync(instanceId, ResumeEvent, generation, cancellationToken);
            LogResumed(taskId, generation);
            return;
        }

        // None yet, or finished (completed, failed, terminated): a new orchestration replaces it
        // (host.json: overridableExistingInstanceStates = NonRunningStates).
        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(TaskRunOrchestration.RunTask),
            new TaskRun(taskId, generation, options.Value.ResumeTimeout),
            new StartOrchestrationOptions(InstanceId: instanceId),
            cancellationToken);
        LogStarted(taskId, generation);
    }

    public async Task CancelAsync(Guid taskId, CancellationToken cancellationToken)
    {
        // A step running in this process stops at once; one running elsewhere records Cancelled when it ends
        // (its outcome write finds the task cancelled). Terminating never interrupts a running activity.
        running.Cancel(taskId);
        var client = Current();
        var instanceId = InstanceId(taskId);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is { IsCompleted: false })
        {
            await client.TerminateInstanceAsync(instanceId, "Cancelled through the API.", cancellationToken);
            LogTerminated(taskId);
        }
    }

    private static DurableTaskClient Current() =>
        Client.Value ?? throw new InvalidOperationException(
            "No Durable client in this invocation: the HTTP function must take a [DurableClient] parameter and call DurableTaskRunner.WithClient.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: orchestration started (run {Generation})")]
    private partial void LogStarted(Guid taskId, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: resume raised (run {Generation})")]
    private partial void LogResumed(Guid taskId, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: orchestration terminated (cancelled)")]
    private partial void LogTerminated(Guid taskId);
}
