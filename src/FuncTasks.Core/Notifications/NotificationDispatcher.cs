using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Notifications;

/// <summary>
/// Turns audit-trail rows into webhook deliveries. <see cref="FanOutAsync"/> claims a task's pending marker, extends
/// the delivery cursor of every subscription that wants one of the new events, and clears the marker with its ETag.
/// <see cref="DeliverAsync"/> claims one (subscription, task) cursor, POSTs its events in order, records each attempt,
/// and on a failure leaves the rest for a redelivery after an exponential back-off. Both are idempotent and lease-guarded,
/// so any number of hosts can run them for the same task; neither ever runs inside a step's run.
/// </summary>
public sealed partial class NotificationDispatcher(
    ITaskStore tasks,
    ISubscriptionStore subscriptions,
    INotificationOutbox outbox,
    SubscriptionCache cache,
    WebhookSender sender,
    INotificationScheduler scheduler,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    ILogger<NotificationDispatcher> logger)
{
    private const int MaxRounds = 10;
    private const int MaxFigureRounds = 50;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, FigureTally> _tallies = new();

    /// <summary>This process's name in leases.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private NotificationOptions Options => options.Value;

    /// <summary>A queue message: hand out a task's new events then deliver them, or deliver one subscription's events of one task.</summary>
    public async Task HandleAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.SubscriptionId is { } subscriptionId)
        {
            await DeliverAsync(subscriptionId, message.TaskId, cancellationToken);
            return;
        }

        var touched = await FanOutAsync(message.TaskId, cancellationToken);
        // Each subscription on its own: a slow or failing receiver never holds up the others.
        await Task.WhenAll(touched.Select(s => DeliverAsync(s, message.TaskId, cancellationToken)));
    }

    /// <summary>
    /// Hands the task's new events (after the marker's position) to the subscriptions that want them; returns those
    /// subscriptions. Leaves the marker pending when no subscription is enabled, or while another host holds it.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> FanOutAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var enabled = (await cache.GetAsync(cancellationToken)).Where(s => s.Enabled).ToList();
        if (enabled.Count == 0)
        {
            return [];
        }

        var touched = new HashSet<Guid>();
        var handedOut = -1L;
        for (var round = 0; round < MaxRounds; round++)
        {
            var marker = await ClaimMarkerAsync(taskId, cancellationToken);
            if (marker is null)
            {
                break;
            }

            // What an earlier round handed out counts even if its clearing lost to a new change.
            marker = marker with { FannedOut = Math.Max(marker.FannedOut, handedOut) };
            var through = marker.FannedOut;
            var snapshot = await tasks.GetAsync(taskId, includeAttempts: false, cancellationToken);
            var trail = snapshot is null ? null : await tasks.GetEventsAsync(taskId, cancellationToken);
            if (snapshot is not null && trail is not null)
            {
                var fresh = NotificationEvents.From(snapshot, trail).Where(e => e.Position > marker.FannedOut).ToList();
                if (fresh.Count > 0)
                {
                    through = fresh[^1].Position;
                    foreach (var subscription in enabled.Where(s => fresh.Any(s.Wants)))
                    {
                        await ExtendCursorAsync(subscription.Id, taskId, marker.FannedOut, through, cancellationToken);
                        touched.Add(subscription.Id);
                    }
                }
            }

            // Cleared with the ETag read: a change committed meanwhile set it pending again, and the next round takes it.
            handedOut = through;
            var cleared = await outbox.TryReplaceMarkerAsync(marker with { Pending = false, FannedOut = through, LeaseOwner = null, LeaseUntil = null }, cancellationToken);
            if (cleared is not null || snapshot is null)
            {
                break;
            }

            // Keep the progress (and the lease) in the marker, so that no host hands these events out again and re-creates
            // a cursor that was already delivered and deleted.
            await KeepProgressAsync(taskId, through, cancellationToken);
        }

        return touched.ToList();
    }

    /// <summary>Delivers the subscription's pending events of the task, in order, while this host holds the cursor's lease.</summary>
    public async Task DeliverAsync(Guid subscriptionId, Guid taskId, CancellationToken cancellationToken)
    {
        var subscription = await cache.FindAsync(subscriptionId, cancellationToken);
        var cursor = await ClaimCursorAsync(subscriptionId, taskId, cancellationToken);
        if (cursor is null)
        {
            return;
        }

        if (subscription is null)
        {
            await outbox.TryDeleteCursorAsync(cursor, cancellationToken);
            return;
        }

        if (!subscription.Enabled)
        {
            await SaveCursorAsync(cursor with { LeaseOwner = null, LeaseUntil = null }, cancellationToken);
            return;
        }

        for (var round = 0; round < MaxRounds && cursor is not null; round++)
        {
            var snapshot = await tasks.GetAsync(taskId, includeAttempts: false, cancellationToken);
            var trail = snapshot is null ? null : await tasks.GetEventsAsync(taskId, cancellationToken);
            if (snapshot is null || trail is null)
            {
                // The task was deleted (a job): nothing left to say about it.
                await outbox.TryDeleteCursorAsync(cursor, cancellationToken);
                return;
            }

            var target = cursor.Target;
            var due = NotificationEvents.From(snapshot, trail)
                .Where(e => e.Position > cursor.Delivered && e.Position <= target && subscription.Wants(e))
                .ToList();
            foreach (var notification in due)
            {
                var result = await sender.SendAsync(subscription, notification, cancellationToken);
                var now = time.GetUtcNow();
                var attempt = cursor!.Attempts + 1;
                if (result.Delivered)
                {
                    // Progress first (it also renews the lease), the log and the figures after it.
                    cursor = await SaveCursorAsync(cursor with
                    {
                        Delivered = notification.Position, Attempts = 0, FirstFailedAt = null, NextAttemptAt = null, LeaseUntil = now + Options.Lease,
                    }, cancellationToken);
                    await RecordAsync(subscription, notification, taskId, attempt, now, result, DeliveryOutcome.Delivered, cancellationToken);
                    if (cursor is null)
                    {
                        return;
                    }

                    continue;
                }

                var firstFailed = cursor.FirstFailedAt ?? now;
                if (now - firstFailed >= Options.GiveUpAfter)
                {
                    LogGaveUp(notification.Id, subscription.Id, attempt, result.Error);
                    var disabled = await RecordAsync(subscription, notification, taskId, attempt, now, result, DeliveryOutcome.GaveUp, cancellationToken);
                    cursor = await SaveCursorAsync(cursor with
                    {
                        Delivered = notification.Position, Attempts = 0, FirstFailedAt = null, NextAttemptAt = null,
                        LeaseOwner = disabled ? null : cursor.LeaseOwner, LeaseUntil = disabled ? null : now + Options.Lease,
                    }, cancellationToken);
                    if (cursor is null || disabled)
                    {
                        return;
                    }

                    continue;
                }

                var delay = Backoff(attempt);
                cursor = await SaveCursorAsync(cursor with
                {
                    Attempts = attempt, FirstFailedAt = firstFailed, NextAttemptAt = now + delay, LeaseOwner = null, LeaseUntil = null,
                }, cancellationToken);
                await RecordAsync(subscription, notification, taskId, attempt, now, result, DeliveryOutcome.Failed, cancellationToken);
                LogFailed(notification.Id, subscription.Id, attempt, result.Error, delay.TotalSeconds);
                if (cursor is not null)
                {
                    await scheduler.RedeliverAsync(subscription.Id, taskId, delay, cancellationToken);
                }

                return;
            }

            // Events between the delivered ones that this subscription does not want count as done.
            cursor = await SaveCursorAsync(cursor! with { Delivered = Math.Max(cursor.Delivered, target) }, cancellationToken);
            if (cursor is null)
            {
                return;
            }

            if (cursor.Delivered >= cursor.Target && await outbox.TryDeleteCursorAsync(cursor, cancellationToken))
            {
                return;
            }

            // New events arrived meanwhile (the target moved): carry on with them under the same lease.
            var fresh = await outbox.GetCursorAsync(subscriptionId, taskId, cancellationToken);
            cursor = fresh is not null && fresh.LeaseOwner == Owner ? fresh : null;
        }

        if (cursor is not null)
        {
            await SaveCursorAsync(cursor with { LeaseOwner = null, LeaseUntil = null }, cancellationToken);
            await scheduler.RedeliverAsync(subscriptionId, taskId, TimeSpan.Zero, cancellationToken);
        }
    }

    /// <summary>
    /// The recovery sweep: hands out the events of every task whose marker is still pending (its host died before it
    /// could, or no subscription existed then), and delivers every cursor that is due and not held.
    /// </summary>
    public async Task<int> SweepAsync(Func<Guid, Guid, Task> deliver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        var all = await cache.RefreshAsync(cancellationToken);
        var enabled = all.Where(s => s.Enabled).ToList();
        var found = 0;
        if (enabled.Count > 0)
        {
            await foreach (var taskId in outbox.PendingTasksAsync(cancellationToken))
            {
                found++;
                foreach (var subscriptionId in await FanOutAsync(taskId, cancellationToken))
                {
                    await deliver(subscriptionId, taskId);
                }
            }
        }

        var now = time.GetUtcNow();
        foreach (var subscription in enabled)
        {
            await foreach (var cursor in outbox.CursorsAsync(subscription.Id, cancellationToken))
            {
                if (!cursor.IsHeld(Owner, now) && (cursor.NextAttemptAt is null || cursor.NextAttemptAt <= now))
                {
                    found++;
                    await deliver(subscription.Id, cursor.TaskId);
                }
            }

            await subscriptions.TrimDeliveriesAsync(subscription.Id, Options.KeepDeliveries, cancellationToken);
        }

        return found;
    }

    /// <summary>The wait before redelivery number <paramref name="failures"/>: doubling from FirstRetry, capped, ±20 % jitter.</summary>
    public TimeSpan Backoff(int failures)
    {
        var o = Options;
        var ticks = o.FirstRetry.Ticks * Math.Pow(2, Math.Min(30, Math.Max(0, failures - 1)));
        ticks = Math.Min(ticks, o.MaxRetryInterval.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (0.8 + (Random.Shared.NextDouble() * 0.4))));
    }

    private async Task<OutboxMarker?> ClaimMarkerAsync(Guid taskId, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxRounds; i++)
        {
            var marker = await outbox.GetMarkerAsync(taskId, cancellationToken);
            var now = time.GetUtcNow();
            if (marker is null || !marker.Pending || (marker.LeaseOwner is not null && marker.LeaseOwner != Owner && marker.LeaseUntil > now))
            {
                return null;
            }

            if (await outbox.TryReplaceMarkerAsync(marker with { LeaseOwner = Owner, LeaseUntil = now + Options.Lease }, cancellationToken) is { } claimed)
            {
                return claimed;
            }
        }

        return null;
    }

    private async Task KeepProgressAsync(Guid taskId, long through, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxRounds; i++)
        {
            var marker = await outbox.GetMarkerAsync(taskId, cancellationToken);
            if (marker is null || marker.LeaseOwner != Owner || marker.FannedOut >= through
                || await outbox.TryReplaceMarkerAsync(marker with { FannedOut = through }, cancellationToken) is not null)
            {
                return;
            }
        }
    }

    private async Task ExtendCursorAsync(Guid subscriptionId, Guid taskId, long from, long through, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxRounds; i++)
        {
            var cursor = await outbox.GetCursorAsync(subscriptionId, taskId, cancellationToken);
            if (cursor is null)
            {
                if (await outbox.TryAddCursorAsync(new DeliveryCursor { SubscriptionId = subscriptionId, TaskId = taskId, Delivered = from, Target = through }, cancellationToken) is not null)
                {
                    return;
                }

                continue;
            }

            if (cursor.Target >= through || await outbox.TryReplaceCursorAsync(cursor with { Target = through }, cancellationToken) is not null)
            {
                return;
            }
        }

        throw new ConcurrencyConflictException($"The delivery cursor of subscription {subscriptionId} for task {taskId} kept changing.");
    }

    private async Task<DeliveryCursor?> ClaimCursorAsync(Guid subscriptionId, Guid taskId, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxRounds; i++)
        {
            var cursor = await outbox.GetCursorAsync(subscriptionId, taskId, cancellationToken);
            var now = time.GetUtcNow();
            if (cursor is null || cursor.IsHeld(Owner, now) || cursor.NextAttemptAt > now)
            {
                return null;
            }

            if (await outbox.TryReplaceCursorAsync(cursor with { LeaseOwner = Owner, LeaseUntil = now + Options.Lease }, cancellationToken) is { } claimed)
            {
                return claimed;
            }
        }

        return null;
    }

    /// <summary>Writes this host's progress; when only the target moved meanwhile (a fan-out), keeps the new target. Null: the lease is lost.</summary>
    private async Task<DeliveryCursor?> SaveCursorAsync(DeliveryCursor cursor, CancellationToken cancellationToken)
    {
        var next = cursor;
        for (var i = 0; i < MaxRounds; i++)
        {
            if (await outbox.TryReplaceCursorAsync(next, cancellationToken) is { } saved)
            {
                return saved;
            }

            var fresh = await outbox.GetCursorAsync(cursor.SubscriptionId, cursor.TaskId, cancellationToken);
            if (fresh is null || fresh.LeaseOwner != Owner)
            {
                return null;
            }

            next = cursor with { Target = Math.Max(fresh.Target, cursor.Target), ETag = fresh.ETag };
        }

        return null;
    }

    /// <summary>Logs the attempt and updates the figures; true when this give-up disabled the subscription.</summary>
    private async Task<bool> RecordAsync(Subscription subscription, NotificationEvent notification, Guid taskId, int attempt, DateTimeOffset at,
        WebhookResult result, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        await subscriptions.AddDeliveryAsync(new DeliveryAttempt
        {
            SubscriptionId = subscription.Id,
            EventId = notification.Id,
            EventType = notification.Type,
            TaskId = taskId,
            Attempt = attempt,
            At = at,
            StatusCode = result.StatusCode,
            LatencyMs = result.LatencyMs,
            Outcome = outcome,
            Error = result.Error,
        }, cancellationToken);

        // One writer per subscription in this host: outcomes queue here and whoever finds no flush running writes them all
        // (a give-up waits for its own write: it decides whether the subscription is disabled).
        var tally = _tallies.GetOrAdd(subscription.Id, _ => new FigureTally());
        tally.Outcomes.Enqueue((outcome, at, result.Error));
        SubscriptionFigures? figures = null;
        var wait = outcome == DeliveryOutcome.GaveUp;
        do
        {
            if (wait)
            {
                await tally.Gate.WaitAsync(cancellationToken);
                wait = false;
            }
            else if (!tally.Gate.Wait(0, CancellationToken.None))
            {
                // The running flush takes this outcome (it looks again after it lets go).
                break;
            }

            try
            {
                while (!tally.Outcomes.IsEmpty)
                {
                    figures = await FlushAsync(subscription.Id, tally, cancellationToken) ?? figures;
                }
            }
            finally
            {
                tally.Gate.Release();
            }
        }
        while (!tally.Outcomes.IsEmpty);

        if (outcome != DeliveryOutcome.GaveUp || figures is null || figures.GiveUpsInARow < Options.DisableAfterGiveUps)
        {
            return false;
        }

        for (var i = 0; i < MaxRounds; i++)
        {
            var current = await subscriptions.GetAsync(subscription.Id, cancellationToken);
            if (current is null || !current.Enabled)
            {
                break;
            }

            try
            {
                await subscriptions.UpdateAsync(current with
                {
                    Enabled = false,
                    DisabledReason = $"Disabled after {figures.GiveUpsInARow} events in a row were given up (last error: {result.Error}).",
                    UpdatedAt = at,
                }, cancellationToken);
                LogDisabled(subscription.Id, figures.GiveUpsInARow);
                break;
            }
            catch (ConcurrencyConflictException)
            {
                // Changed meanwhile (an operator's PATCH): read it again.
            }
        }

        cache.Invalidate();
        return true;
    }

    /// <summary>Applies the queued outcomes, in order, to the stored figures (ETag'd; other hosts write them too).</summary>
    private async Task<SubscriptionFigures?> FlushAsync(Guid subscriptionId, FigureTally tally, CancellationToken cancellationToken)
    {
        var batch = new List<(DeliveryOutcome Outcome, DateTimeOffset At, string? Error)>();
        while (tally.Outcomes.TryDequeue(out var item))
        {
            batch.Add(item);
        }

        for (var i = 0; i < MaxFigureRounds && batch.Count > 0; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + (10 * i))), time, cancellationToken);
            }

            var figures = await subscriptions.GetFiguresAsync(subscriptionId, cancellationToken);
            foreach (var (outcome, at, error) in batch)
            {
                figures = outcome switch
                {
                    DeliveryOutcome.Delivered => figures with { Delivered = figures.Delivered + 1, GiveUpsInARow = 0, Failing = false, LastDeliveryAt = at },
                    DeliveryOutcome.GaveUp => figures with
                    {
                        FailedAttempts = figures.FailedAttempts + 1, GaveUp = figures.GaveUp + 1, GiveUpsInARow = figures.GiveUpsInARow + 1,
                        Failing = true, LastError = error, LastErrorAt = at,
                    },
                    _ => figures with { FailedAttempts = figures.FailedAttempts + 1, Failing = true, LastError = error, LastErrorAt = at },
                };
            }

            if (await subscriptions.TryUpdateFiguresAsync(subscriptionId, figures, cancellationToken) is { } saved)
            {
                return saved;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} to subscription {SubscriptionId} failed (attempt {Attempt}: {Error}); redelivery in {DelaySeconds} s")]
    private partial void LogFailed(string eventId, Guid subscriptionId, int attempt, string? error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} to subscription {SubscriptionId} given up after {Attempt} attempts ({Error})")]
    private partial void LogGaveUp(string eventId, Guid subscriptionId, int attempt, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} disabled after {GiveUps} give-ups in a row")]
    private partial void LogDisabled(Guid subscriptionId, int giveUps);

    private sealed class FigureTally
    {
        public System.Collections.Concurrent.ConcurrentQueue<(DeliveryOutcome Outcome, DateTimeOffset At, string? Error)> Outcomes { get; } = new();

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
