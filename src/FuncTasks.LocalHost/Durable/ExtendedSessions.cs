using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DurableTask.Core;

namespace FuncTasks.LocalHost.Durable;

/// <summary>
/// Durable Task's extended sessions for the sidecar's orchestration dispatcher, which releases every work item as soon as it
/// is completed: each episode of an orchestration would then load its whole history from the backend again (on Azure Storage,
/// a query of <c>&lt;hub&gt;History</c>) before the orchestrator replays it. Here a released work item of a running
/// orchestration keeps its backend session (<see cref="TaskOrchestrationWorkItem.Session"/>, given by Azure Storage when
/// <c>ExtendedSessionsEnabled</c>): the backend routes the instance's new messages into it, and the next episode is handed
/// to the dispatcher with the history already in memory, as DurableTask.Core's own dispatcher does with extended sessions.
/// A session idle for the backend's <c>ExtendedSessionIdleTimeout</c> is released; at most <paramref name="maxSessions"/>
/// are kept at once (DurableTask.Core's bound too: its orchestration work-item concurrency). A work item abandoned, of a
/// finished orchestration, or released while the host stops is released at once. The backend's ETag on the history still
/// guards every checkpoint, so a session kept by a host that lost the partition fails its next write and is abandoned.
/// </summary>
internal sealed partial class ExtendedSessions(IOrchestrationService backend, int maxSessions, ILogger logger) : IDisposable
{
    private readonly Channel<TaskOrchestrationWorkItem> _ready = Channel.CreateUnbounded<TaskOrchestrationWorkItem>();
    private readonly ConditionalWeakTable<TaskOrchestrationWorkItem, object> _abandoned = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _waits = [];
    private Task<TaskOrchestrationWorkItem>? _fetching;
    private int _kept;

    /// <summary>Sessions kept now, waiting for their instance's next messages.</summary>
    public int Kept => Volatile.Read(ref _kept);

    /// <summary>
    /// The next episode of a kept session if one is ready, else the backend's next work item, whichever comes first. The
    /// dispatcher fetches one item at a time, so a backend fetch that has not finished yet when a session's episode comes
    /// first is kept for the next call instead of being cut off (cutting it could drop a work item it was locking). Null
    /// when there is none, as from the backend's own fetch.
    /// </summary>
    public async Task<TaskOrchestrationWorkItem> LockNextAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        if (_ready.Reader.TryRead(out var ready))
        {
            return ready;
        }

        var fetching = _fetching ??= backend.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        // The wait on the channel is cancelled when the backend's fetch comes first, so that waits do not pile up on it.
        using var outrun = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiting = _ready.Reader.WaitToReadAsync(outrun.Token).AsTask();
        if (await Task.WhenAny(fetching, waiting) == fetching)
        {
            await outrun.CancelAsync();
            _fetching = null;
            return await fetching;
        }

        return await waiting && _ready.Reader.TryRead(out ready) ? ready : null!;
    }

    public Task AbandonAsync(TaskOrchestrationWorkItem workItem)
    {
        _abandoned.AddOrUpdate(workItem, workItem);
        return backend.AbandonTaskOrchestrationWorkItemAsync(workItem);
    }

    /// <summary>Keeps the work item's session for its next messages, or releases it now (see the class summary).</summary>
    public Task ReleaseAsync(TaskOrchestrationWorkItem workItem)
    {
        if (workItem.Session is null ||
            _abandoned.TryGetValue(workItem, out _) ||
            _stopping.IsCancellationRequested ||
            workItem.OrchestrationRuntimeState.OrchestrationStatus is not (OrchestrationStatus.Running or OrchestrationStatus.Pending))
        {
            return ReleaseNowAsync(workItem);
        }

        if (Interlocked.Increment(ref _kept) > maxSessions)
        {
            Interlocked.Decrement(ref _kept);
            return ReleaseNowAsync(workItem);
        }

        lock (_gate)
        {
            var wait = WaitForMessagesAsync(workItem, workItem.Session);
            if (!wait.IsCompleted)
            {
                _waits.Add(wait);
                _ = wait.ContinueWith(done => Forget(done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        return Task.CompletedTask;
    }

    private void Forget(Task wait)
    {
        lock (_gate)
        {
            _waits.Remove(wait);
        }
    }

    private async Task WaitForMessagesAsync(TaskOrchestrationWorkItem workItem, IOrchestrationSession session)
    {
        IList<TaskMessage>? messages = null;
        try
        {
            // Null when the session has been idle for the backend's ExtendedSessionIdleTimeout, or the backend is stopping.
            do
            {
                messages = await session.FetchNewOrchestrationMessagesAsync(workItem).WaitAsync(_stopping.Token);
            }
            while (messages is { Count: 0 });
        }
        catch (Exception ex)
        {
            messages = null;
            if (ex is not OperationCanceledException)
            {
                LogWaitFailed(ex, workItem.InstanceId);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _kept);
        }

        if (messages is not null)
        {
            // The next episode replays the history the backend holds for the session (everything committed so far) as past
            // events, as a history loaded from storage would be, and appends only its own events at its checkpoint.
            var past = workItem.OrchestrationRuntimeState;
            workItem.OrchestrationRuntimeState = new OrchestrationRuntimeState(past.Events) { Status = past.Status };
            workItem.NewMessages = messages;
            workItem.IsExtendedSession = true;
            if (!_stopping.IsCancellationRequested && _ready.Writer.TryWrite(workItem))
            {
                LogEpisode(workItem.InstanceId, messages.Count);
                return;
            }
        }

        try
        {
            // Messages fetched as the host stops go back to the backend's queue for whoever runs the orchestration next.
            await (messages is null ? ReleaseNowAsync(workItem) : GiveBackAsync(workItem));
        }
        catch (Exception ex)
        {
            // As the dispatcher does with a release that fails: logged; the backend's lock on the messages runs out.
            LogReleaseFailed(ex, workItem.InstanceId);
        }
    }

    private async Task ReleaseNowAsync(TaskOrchestrationWorkItem workItem)
    {
        _abandoned.Remove(workItem);
        if (workItem.Session is { } session)
        {
            await session.EndSessionAsync();
        }

        await backend.ReleaseTaskOrchestrationWorkItemAsync(workItem);
    }

    /// <summary>A work item whose messages nobody will run here: they go back to the backend's queue, then it is released.</summary>
    private async Task GiveBackAsync(TaskOrchestrationWorkItem workItem)
    {
        await backend.AbandonTaskOrchestrationWorkItemAsync(workItem);
        await ReleaseNowAsync(workItem);
    }

    /// <summary>Before the backend stops: kept sessions are released, and episodes not yet taken by the dispatcher given back.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        _ready.Writer.TryComplete();
        Task[] waits;
        lock (_gate)
        {
            waits = [.. _waits];
        }

        await Task.WhenAll(waits);
        while (_ready.Reader.TryRead(out var item))
        {
            await GiveBackAsync(item);
        }
    }

    /// <summary>
    /// After the backend stopped: a backend fetch left over from <see cref="LockNextAsync"/> (overtaken by a session's episode)
    /// has ended; a work item it still returned is given back.
    /// </summary>
    public async Task StoppedAsync()
    {
        if (Interlocked.Exchange(ref _fetching, null) is { } fetching)
        {
            try
            {
                if (await fetching is { } item)
                {
                    await GiveBackAsync(item);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                // The usual end of a fetch at shutdown (the dispatcher's token or the backend's): nothing was locked.
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Orchestration {InstanceId}: {Count} new message(s) in its extended session; its history is not loaded again")]
    private partial void LogEpisode(string instanceId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Orchestration {InstanceId}: waiting in its extended session failed; the session is released and its next messages load the history")]
    private partial void LogWaitFailed(Exception exception, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Orchestration {InstanceId}: its extended session could not be released")]
    private partial void LogReleaseFailed(Exception exception, string instanceId);
}
