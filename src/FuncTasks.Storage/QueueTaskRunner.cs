using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FuncTasks.Core;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Storage;

/// <summary>
/// The queue runner: "run task X" messages on an Azure Storage queue, competing workers (in this host and
/// any other sharing the queue), the message kept invisible while a step runs. A crashed worker's message
/// reappears and the task resumes at the interrupted step; a message that keeps failing fails the task.
/// Through a storage outage workers back off (<see cref="StorageOutage"/>) and carry on where they were: a run
/// keeps its message and the result of a step that has run, and stores it once storage is back.
/// </summary>
public sealed partial class QueueTaskRunner(
    QueueServiceClient queues,
    StepExecutor executor,
    ITaskStore store,
    FailPoisonedRunHandler poisoned,
    RunningSteps running,
    TimeProvider time,
    IOptions<StorageOptions> storageOptions,
    IOptions<RunnerOptions> runnerOptions,
    ILogger<QueueTaskRunner> logger,
    StorageOutage outage) : BackgroundService, ITaskRunner
{
    private readonly QueueClient _queue = queues.GetQueueClient(storageOptions.Value.QueueName);
    private readonly RunnerOptions _options = runnerOptions.Value;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private int _inFlight;

    /// <summary>Runs being worked on by this host right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task ScheduleAsync(Guid taskId, int generation, CancellationToken cancellationToken)
    {
        await _queue.SendMessageAsync(new RunMessage(taskId, generation).ToJson(), cancellationToken);
        LogScheduled(taskId, generation);
        if (_wake.CurrentCount < _options.Workers)
        {
            _wake.Release();
        }
    }

    public Task CancelAsync(Guid taskId, CancellationToken cancellationToken)
    {
        if (running.Cancel(taskId))
        {
            LogCancelSignalled(taskId);
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        LogStarting(_options.Workers, _queue.Name);
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(i => WorkAsync(i, stoppingToken)));
    }

    private async Task WorkAsync(int worker, CancellationToken stopping)
    {
        var idle = TimeSpan.FromMilliseconds(25);
        var outageFailures = 0;
        while (!stopping.IsCancellationRequested)
        {
            QueueMessage? message;
            var receivedAt = time.GetTimestamp();
            try
            {
                var received = await _queue.ReceiveMessagesAsync(1, _options.VisibilityTimeout, stopping);
                message = received.Value.FirstOrDefault();
                outageFailures = 0;
                outage.Recovered();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (outage.IsOutage(ex))
            {
                // Logged once per outage (not per worker and poll); the wait grows to FuncTasks:Engine:OutageBackoffMax.
                outage.Failed(ex);
                await WaitOutOutageAsync(++outageFailures, stopping);
                continue;
            }
            catch (Exception ex)
            {
                LogReceiveFailed(ex, worker);
                message = null;
            }

            if (message is null)
            {
                await WaitForWorkAsync(idle, stopping);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _options.MaxPollInterval.Ticks));
                continue;
            }

            idle = TimeSpan.FromMilliseconds(25);
            Interlocked.Increment(ref _inFlight);
            try
            {
                await ProcessAsync(message, receivedAt, stopping);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                // E.g. giving the message back failed: it reappears by itself; the worker must not end.
                LogWorkerError(ex, worker, message.MessageId);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private async Task WaitOutOutageAsync(int failures, CancellationToken stopping)
    {
        try
        {
            await outage.WaitAsync(failures, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task WaitForWorkAsync(TimeSpan idle, CancellationToken stopping)
    {
        try
        {
            await _wake.WaitAsync(idle, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(QueueMessage message, long receivedAt, CancellationToken stopping)
    {
        var run = RunMessage.TryParse(message.MessageText);
        if (run is null)
        {
            LogUnreadableMessage(message.MessageId);
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            return;
        }

        if (message.DequeueCount - run.Waits > _options.MaxDequeueCount)
        {
            await poisoned.HandleAsync(run.TaskId, run.Generation, message.DequeueCount, stopping);
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            return;
        }

        if (run.TimeoutAttempt is { } timed && !await StillWaitingAsync(run.TaskId, run.TimeoutStep, timed, stopping))
        {
            // The external step this message waited for is done: another run message carries the task on.
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            return;
        }

        await using var lease = new MessageLease(_queue, message, _options.VisibilityTimeout, outage, time, receivedAt)
        {
            BeatFailed = ex => LogHeartbeatFailed(ex, run.TaskId),
            MessageLost = () => LogMessageLost(run.TaskId),
        };
        var beat = _options.CancelCheckInterval < _options.VisibilityTimeout / 3 ? _options.CancelCheckInterval : _options.VisibilityTimeout / 3;
        lease.Start(beat, ct => CheckCancelledAsync(run.TaskId, ct));
        try
        {
            // A run started by this host begins from the snapshot it just wrote (no read); otherwise the executor reads.
            var started = store.TakeStarted(run.TaskId, run.Generation);
            // A lost message does not interrupt the running step: "lost" may be a renewal whose answer was lost (the SDK's
            // retry then meets a new pop receipt). The step finishes and stores its outcome under its ETags; no further
            // step starts (EnsureOwnedAsync), and whoever receives the message next carries on from there.
            var context = new QueueLoopContext(executor, lease, run, started, stopping, stopping);
            var outcome = await TaskLoop.RunAsync(context);
            if (outcome == StepRunKind.Interrupted)
            {
                // Host stopping or message lost: leave it; it reappears and the step runs again.
                return;
            }

            if (context.WakeAfter is { } wake)
            {
                // A step waits for its next attempt (or an external step for its timeout): no worker waits, the message
                // comes back when it is due (at most a queue's 7 days at a time), to whichever host receives it.
                var visible = wake < MaxVisibility ? wake : MaxVisibility;
                var external = outcome == StepRunKind.Waiting ? context.WaitingStep : null;
                await lease.ReleaseAsync(visible, CancellationToken.None, (run with
                {
                    Waits = message.DequeueCount,
                    TimeoutStep = external?.Index,
                    TimeoutAttempt = external?.ActiveAttempt,
                }).ToJson());
                LogWaiting(run.TaskId, visible.TotalSeconds);
                return;
            }

            await lease.DeleteAsync(stopping);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            var backoff = TimeSpan.FromSeconds(Math.Min(60, _options.FailureBackoff.TotalSeconds * Math.Pow(2, message.DequeueCount - 1)));
            LogRunFailed(ex, run.TaskId, message.DequeueCount, backoff.TotalSeconds);
            await lease.ReleaseAsync(backoff, CancellationToken.None);
        }
    }

    private async Task<bool> StillWaitingAsync(Guid taskId, int? index, int attempt, CancellationToken cancellationToken)
    {
        var snapshot = await store.GetAsync(taskId, includeAttempts: false, cancellationToken);
        return snapshot?.Steps.FirstOrDefault(s => s.Index == index) is { Status: StepState.Started } step && step.ActiveAttempt == attempt;
    }

    private async Task CheckCancelledAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var task = await store.GetTaskAsync(taskId, cancellationToken);
        if (task is { Status: TaskState.Cancelled })
        {
            running.Cancel(taskId);
        }
    }

    /// <param name="stopping">Host stopping: interrupts a running step.</param>
    /// <param name="shutdown">Only the host stopping: ends the wait to store a result held through a storage outage.</param>
    private sealed class QueueLoopContext(
        StepExecutor executor, MessageLease lease, RunMessage run, TaskSnapshot? started, CancellationToken stopping, CancellationToken shutdown) : ITaskLoopContext
    {
        // The executor continues from the previous outcome's snapshot; the first step from the one this host wrote.
        private StepRunOutcome? _previous = started is null ? null : StepRunOutcome.Nothing(started);
        private bool _first = true;

        /// <summary>When the run ended because the task waits (a retry's next attempt, an external step's timeout): how long.</summary>
        public TimeSpan? WakeAfter => _previous is { Kind: StepRunKind.DelayPending or StepRunKind.Waiting, DelayLeft: { } left } ? left : null;

        /// <summary>The external step the run ended waiting for.</summary>
        public TaskStep? WaitingStep => _previous is { Kind: StepRunKind.Waiting, Snapshot: { } snapshot } ? snapshot.NextRunnableStep : null;

        public async Task<StepRunKind> RunNextStepAsync()
        {
            // After a storage outage the message may have become visible and been received by another worker, which
            // then runs the task: start no further step unless the message is still this run's.
            if (!_first && !await lease.EnsureOwnedAsync(stopping))
            {
                return StepRunKind.Interrupted;
            }

            _first = false;
            // Chained: completing a step claims the next in the same transaction (one write per step).
            _previous = await executor.RunNextStepChainedAsync(run.TaskId, run.Generation, _previous, stopping, shutdown);
            return _previous.Kind;
        }

        /// <summary>The queue runner never waits: a retry, restart or completion schedules a new run message.</summary>
        public Task<bool> WaitForResumeAsync(StepRunKind reason) => Task.FromResult(false);
    }

    /// <summary>The longest an Azure Storage queue message can stay invisible (7 days), less a minute of margin.</summary>
    private static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue runner starting {Workers} workers on queue {Queue}")]
    private partial void LogStarting(int workers, string queue);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId} scheduled (run {Generation})")]
    private partial void LogScheduled(Guid taskId, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: cancel signalled to its running step")]
    private partial void LogCancelSignalled(Guid taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} could not read the run queue")]
    private partial void LogReceiveFailed(Exception exception, int worker);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker {Worker}: handling run message {MessageId} failed; the message reappears after its visibility timeout")]
    private partial void LogWorkerError(Exception exception, int worker, string messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId} waits; its run message returns in {WaitSeconds} s")]
    private partial void LogWaiting(Guid taskId, double waitSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run message {MessageId} is unreadable and was dropped")]
    private partial void LogUnreadableMessage(string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: the run message is no longer this worker's; the running step finishes and stores its outcome, no further step starts here")]
    private partial void LogMessageLost(Guid taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: renewing the run message failed; retrying")]
    private partial void LogHeartbeatFailed(Exception exception, Guid taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId}: run failed on delivery {DequeueCount}; the message returns in {BackoffSeconds} s")]
    private partial void LogRunFailed(Exception exception, Guid taskId, long dequeueCount, double backoffSeconds);

}
