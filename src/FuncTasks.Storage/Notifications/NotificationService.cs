using System.Collections.Concurrent;
using System.Threading.Channels;
using FuncTasks.Core;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Storage.Notifications;

/// <summary>
/// The LocalHost's dispatcher, in process: a committed change's task id goes to a fan-out worker at once (no queue hop),
/// each subscription's deliveries run in a lane of their own (at most <see cref="NotificationOptions.MaxConcurrentPerSubscription"/>
/// tasks at once, a task's events in order), redeliveries wait on a timer, and the recovery sweep runs at start and every
/// <see cref="NotificationOptions.SweepInterval"/>. What a crash loses here is in storage (markers, cursors): the sweep of
/// this host, restarted, or of any other host sharing the account delivers it. Never runs on a step runner's thread or queue.
/// </summary>
public sealed partial class NotificationService(
    IServiceProvider services,
    SubscriptionCache cache,
    StorageOutage outage,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    ILogger<NotificationService> logger) : BackgroundService, INotificationScheduler
{
    private const int FanOutWorkers = 4;
    private readonly Channel<Guid> _changed = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly ConcurrentDictionary<Guid, byte> _queued = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _lanes = new();
    private readonly ConcurrentDictionary<(Guid Subscription, Guid Task), Lane> _running = new();
    private readonly SemaphoreSlim _sweepNow = new(0, 1);
    private CancellationToken _stopping = CancellationToken.None;
    private NotificationDispatcher? _dispatcher;

    // Resolved when first used: the dispatcher needs the task store, which tells this scheduler of its changes.
    private NotificationDispatcher Dispatcher => _dispatcher ??= services.GetRequiredService<NotificationDispatcher>();

    public void TaskChanged(Guid taskId)
    {
        if (options.Value.Enabled && cache.MayHaveSubscribers && _queued.TryAdd(taskId, 0))
        {
            _changed.Writer.TryWrite(taskId);
        }
    }

    public Task RedeliverAsync(Guid subscriptionId, Guid taskId, TimeSpan delay, CancellationToken cancellationToken)
    {
        _ = RedeliverLaterAsync(subscriptionId, taskId, delay);
        return Task.CompletedTask;
    }

    /// <summary>Runs a sweep now (tests, and after a subscription is enabled again).</summary>
    public void SweepSoon()
    {
        if (_sweepNow.CurrentCount == 0)
        {
            try
            {
                _sweepNow.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already due.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        _stopping = stoppingToken;
        await Task.WhenAll(Enumerable.Range(0, FanOutWorkers).Select(_ => FanOutLoopAsync(stoppingToken)).Append(SweepLoopAsync(stoppingToken)));
    }

    private async Task FanOutLoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var taskId in _changed.Reader.ReadAllAsync(stopping))
            {
                _queued.TryRemove(taskId, out _);
                try
                {
                    foreach (var subscriptionId in await Dispatcher.FanOutAsync(taskId, stopping))
                    {
                        Post(subscriptionId, taskId);
                    }
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    // The marker stays pending: the sweep hands these events out.
                    Failed(ex, "fan-out", taskId);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task SweepLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var found = await Dispatcher.SweepAsync((s, t) => { Post(s, t); return Task.CompletedTask; }, stopping);
                outage.Recovered();
                if (found > 0)
                {
                    LogSwept(found);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Failed(ex, "sweep", Guid.Empty);
            }

            using var wait = new CancellationTokenSource(options.Value.SweepInterval, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, stopping);
            try
            {
                await _sweepNow.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                // The interval passed.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Delivers one subscription's events of one task in that subscription's lane; a second post while it runs makes it run once more.</summary>
    private void Post(Guid subscriptionId, Guid taskId)
    {
        var key = (subscriptionId, taskId);
        var lane = new Lane();
        var existing = _running.GetOrAdd(key, lane);
        if (!ReferenceEquals(existing, lane))
        {
            existing.Again = true;
            return;
        }

        _ = RunLaneAsync(key, lane);
    }

    private async Task RunLaneAsync((Guid Subscription, Guid Task) key, Lane lane)
    {
        var gate = _lanes.GetOrAdd(key.Subscription, _ => new SemaphoreSlim(options.Value.MaxConcurrentPerSubscription));
        var stopping = _stopping;
        try
        {
            await gate.WaitAsync(stopping);
            try
            {
                do
                {
                    lane.Again = false;
                    await Dispatcher.DeliverAsync(key.Subscription, key.Task, stopping);
                }
                while (lane.Again && !stopping.IsCancellationRequested);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The cursor keeps what is left: the sweep (or the next change of the task) takes it up again.
            Failed(ex, "delivery", key.Task);
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<(Guid, Guid), Lane>(key, lane));
            if (lane.Again && !stopping.IsCancellationRequested)
            {
                Post(key.Subscription, key.Task);
            }
        }
    }

    private async Task RedeliverLaterAsync(Guid subscriptionId, Guid taskId, TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, _stopping);
            }

            Post(subscriptionId, taskId);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the cursor has the due time; the sweep after a restart delivers it.
        }
    }

    private void Failed(Exception ex, string what, Guid taskId)
    {
        if (outage.IsOutage(ex))
        {
            outage.Failed(ex);
        }
        else
        {
            LogFailed(ex, what, taskId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification sweep found {Count} pending changes or deliveries")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {What} failed for task {TaskId}; the recovery sweep takes it up again")]
    private partial void LogFailed(Exception exception, string what, Guid taskId);

    private sealed class Lane
    {
        public volatile bool Again;
    }
}
