using DurableTask.Core;
using FuncTasks.Storage;

namespace FuncTasks.LocalHost.Durable;

/// <summary>
/// The orchestration service as the sidecar's dispatchers see it, with start and stop made safe to race: the sidecar starts
/// the backend when the worker connects and stops it when its host stops, both from fire-and-forget callbacks, so a host
/// stopped before its worker connected would otherwise stop a backend that never started (Durable's Azure Storage provider
/// then throws on a thread-pool thread and the process dies). With <paramref name="sessions"/>, orchestration work items keep
/// their sessions between episodes (<see cref="ExtendedSessions"/>). Everything else goes straight to the backend.
/// </summary>
internal sealed partial class GuardedOrchestrationService(
    IOrchestrationService inner,
    ExtendedSessions? sessions,
    ILogger<GuardedOrchestrationService> logger)
    : IOrchestrationService, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _started;
    private bool _stopped;

    /// <summary>
    /// Starts the backend; if storage fails at that moment it tries again with back-off until it starts or the host stops
    /// (the sidecar calls this from a fire-and-forget callback, where an exception would end the process).
    /// </summary>
    public Task StartAsync() => StartupRetry.RunAsync(StartOnceAsync, _ => true, LogStartFailed, TimeProvider.System, CancellationToken.None);

    private async Task StartOnceAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (!_started && !_stopped)
            {
                await inner.StartAsync();
                _started = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void LogStartFailed(Exception exception, int tries, TimeSpan wait) => LogStartFailed(exception, tries, wait.TotalSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Durable backend did not start (try {Tries}); trying again in {WaitSeconds} s")]
    private partial void LogStartFailed(Exception exception, int tries, double waitSeconds);

    public Task StopAsync() => StopAsync(isForced: false);

    public async Task StopAsync(bool isForced)
    {
        await _gate.WaitAsync();
        try
        {
            _stopped = true;
            if (_started)
            {
                _started = false;
                if (sessions is not null)
                {
                    await sessions.StopAsync();
                }

                await inner.StopAsync(isForced);
                if (sessions is not null)
                {
                    await sessions.StoppedAsync();
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        sessions?.Dispose();
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        sessions is null
            ? inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken)
            : sessions.LockNextAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        sessions?.AbandonAsync(workItem) ?? inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        sessions?.ReleaseAsync(workItem) ?? inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);
}
