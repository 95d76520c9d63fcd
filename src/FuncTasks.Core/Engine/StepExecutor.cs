using System.Runtime.ExceptionServices;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Engine;

public sealed record StepRunOutcome(StepRunKind Kind, TaskSnapshot? Snapshot = null)
{
    /// <summary>The next step, already claimed by this run in the transaction that completed the previous one.</summary>
    public int? ClaimedStep { get; init; }

    /// <summary>
    /// With <see cref="StepRunKind.DelayPending"/>: how long the step still waits (a delay step's time, or its next attempt);
    /// with <see cref="StepRunKind.Waiting"/>: how long until the external step's <c>timeoutSeconds</c> ends its attempt.
    /// </summary>
    public TimeSpan? DelayLeft { get; init; }

    public static StepRunOutcome Nothing(TaskSnapshot? snapshot = null) => new(StepRunKind.NothingToDo, snapshot);
}

/// <summary>
/// Runs one attempt of the next step of a task: claims it with the ETag, runs its action with a
/// cancellation token and a timeout, then writes the outcome, the task's progress and status in one
/// entity-group transaction. A duplicate delivery or a lost race changes nothing. Through a storage outage
/// the result of an action that has run is held and its write tried again (see <see cref="StorageOutage"/>),
/// so the action does not run again for the same attempt.
/// </summary>
public sealed partial class StepExecutor(
    ITaskStore store,
    StepActionRegistry actions,
    RunningSteps running,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<StepExecutor> logger,
    StorageOutage? outage = null)
{
    /// <summary>The operation the engine's writes are recorded under.</summary>
    public const string RunOperation = "run";

    private readonly EngineOptions _options = options.Value;
    private readonly StorageOutage _outage = outage ?? new StorageOutage(time, options, Microsoft.Extensions.Logging.Abstractions.NullLogger<StorageOutage>.Instance);

    /// <param name="generation">The run generation the caller was scheduled for; null accepts any.</param>
    /// <param name="known">A snapshot the caller already holds (saves a read between consecutive steps).</param>
    /// <param name="stopping">Signalled when the host stops; the step is then left for another delivery.</param>
    public Task<StepRunOutcome> RunNextStepAsync(Guid taskId, int? generation, TaskSnapshot? known, CancellationToken stopping) =>
        RunNextAsync(taskId, generation, known, chain: false, stopping, stopping);

    /// <summary>
    /// For a runner that goes straight on to the next step in the same process (the queue runner's worker, a Durable
    /// <c>ExecuteStep</c> activity): completing a step also claims the next one in the same entity-group transaction, so a
    /// step costs one storage write instead of two. Pass this run's previous outcome (null for the first step).
    /// <see cref="RunNextStepAsync"/> runs one step and leaves the next unclaimed.
    /// </summary>
    /// <param name="stopping">Host stopping or the run lost to another worker: a running action is interrupted.</param>
    /// <param name="shutdown">
    /// Only the host's shutdown (default: <paramref name="stopping"/>): ends the wait to store the result of an action
    /// that has run, held through a storage outage. Losing the run message does not end it: the write is ETag-guarded,
    /// so if another worker took the step over first, the write is refused and its outcome counts.
    /// </param>
    /// <param name="handBack">
    /// Once signalled, completing a step no longer claims the next one: the run can end after the step without leaving a
    /// claimed step behind (an orchestrator's activity whose time budget has passed hands the run back to its orchestration).
    /// </param>
    public Task<StepRunOutcome> RunNextStepChainedAsync(
        Guid taskId, int? generation, StepRunOutcome? previous, CancellationToken stopping, CancellationToken shutdown = default,
        CancellationToken handBack = default)
    {
        var hold = shutdown.CanBeCanceled ? shutdown : stopping;
        if (previous is { ClaimedStep: { } claimed, Snapshot: { } held })
        {
            // Under an orchestrator a delay step claimed by the previous step's write waits on a durable timer, never here:
            // its wait counts from that claim, and the run ends to let the orchestrator wait.
            var step = held.Steps[claimed];
            if (actions.Find(step.Action) is TimerDelayStepAction && DelayLeft(step, time.GetUtcNow()) is { } left)
            {
                return Task.FromResult(new StepRunOutcome(StepRunKind.DelayPending, held) { DelayLeft = left });
            }

            return RunClaimedAsync(held, claimed, chain: true, stopping, hold, handBack);
        }

        return RunNextAsync(taskId, generation, previous?.Snapshot, chain: true, stopping, hold, handBack);
    }

    private async Task<StepRunOutcome> RunNextAsync(
        Guid taskId, int? generation, TaskSnapshot? known, bool chain, CancellationToken stopping, CancellationToken hold, CancellationToken handBack = default)
    {
        var snapshot = known;
        for (var conflicts = 0; ; conflicts++)
        {
            try
            {
                // Nothing has run yet: through an outage, wait here (the run message stays ours) rather than fail the run.
                snapshot ??= await _outage.RetryAsync(() => store.GetAsync(taskId, includeAttempts: false, stopping), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return new StepRunOutcome(StepRunKind.Interrupted);
            }

            if (snapshot is null)
            {
                return StepRunOutcome.Nothing();
            }

            var task = snapshot.Task;
            if (task.Status != TaskState.InProgress || (generation is { } g && task.Generation != g))
            {
                return StepRunOutcome.Nothing(snapshot);
            }

            var step = snapshot.NextRunnableStep;
            var now = time.GetUtcNow();
            try
            {
                if (step is null)
                {
                    snapshot = await _outage.RetryAsync(() => SaveAsync(snapshot, new TaskUpdate(Succeeded(task, now)), stopping), stopping);
                    LogTaskSucceeded(taskId);
                    return new StepRunOutcome(StepRunKind.TaskSucceeded, snapshot);
                }

                if (step.Status is StepState.Failed or StepState.Cancelled)
                {
                    return StepRunOutcome.Nothing(snapshot);
                }

                if (step.Status == StepState.Started && step.ActiveAttempt is { } waiting &&
                    string.Equals(step.Action, Actions.ExternalStepAction.ActionName, StringComparison.OrdinalIgnoreCase))
                {
                    if (TimeoutLeft(step, now) is not { } timeoutLeft)
                    {
                        return new StepRunOutcome(StepRunKind.Waiting, snapshot);
                    }

                    if (timeoutLeft > TimeSpan.Zero)
                    {
                        return new StepRunOutcome(StepRunKind.Waiting, snapshot) { DelayLeft = timeoutLeft };
                    }

                    // Its timeoutSeconds passed while it waited for an agent: the attempt fails as a timeout.
                    return await RecordOutcomeAsync(snapshot, step.Index, waiting, null, Thrown(new StepTimeoutException(Timeout(step))), false, chain, hold);
                }

                if (step.IsWaitingToRetry && step.NextAttemptAt - now is { } retryLeft && retryLeft > TimeSpan.Zero)
                {
                    // Waiting for its next attempt: the runner waits (a message made visible later, a durable timer).
                    return new StepRunOutcome(StepRunKind.DelayPending, snapshot) { DelayLeft = retryLeft };
                }

                if (actions.Find(step.Action) is TimerDelayStepAction)
                {
                    // Under an orchestrator a delay step is claimed when the run reaches it (it shows as started, its wait counts
                    // from then), the orchestrator waits on a durable timer, and the step ends here once its time has passed.
                    // A run that reaches it before then (a timer that fired early, a repeated delivery) leaves it to the timer.
                    if (step is { Status: StepState.Started, ActiveAttempt: not null })
                    {
                        if (DelayLeft(step, now) is { } left)
                        {
                            return new StepRunOutcome(StepRunKind.DelayPending, snapshot) { DelayLeft = left };
                        }

                        return await RunClaimedAsync(snapshot, step.Index, chain, stopping, hold, handBack);
                    }

                    if (DelayLeft(step, now) is not null)
                    {
                        // Pending, or Started without an attempt (a restarted step): claimed now, its wait starts now.
                        snapshot = await ClaimAsync(snapshot, step, now, stopping);
                        LogStepStarted(taskId, step.Name, step.Action, step.AttemptCount + 1);
                        return new StepRunOutcome(StepRunKind.DelayPending, snapshot) { DelayLeft = DelayLeft(snapshot.Steps[step.Index], now) };
                    }
                }

                snapshot = await ClaimAsync(snapshot, step, now, stopping);
            }
            catch (ConcurrencyConflictException) when (conflicts < _options.MaxConflictRetries)
            {
                snapshot = null;
                continue;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopped while waiting out an outage before the action ran: nothing to hold, the run resumes elsewhere.
                return new StepRunOutcome(StepRunKind.Interrupted, snapshot);
            }

            return await RunClaimedAsync(snapshot, step.Index, chain, stopping, hold, handBack);
        }
    }

    /// <summary>
    /// How long a delay step still has to wait (its whole time when it has not started), or null when it is due; a
    /// <c>timeoutSeconds</c> shorter than the delay ends the wait then (and the attempt fails as a timeout).
    /// </summary>
    private static TimeSpan? DelayLeft(TaskStep step, DateTimeOffset now)
    {
        var wait = TimeSpan.FromSeconds(Math.Max(0, step.Params.GetNumber("seconds") ?? 0));
        if (step.TimeoutSeconds is { } limit && limit < wait.TotalSeconds)
        {
            wait = TimeSpan.FromSeconds(limit);
        }

        var left = step is { Status: StepState.Started, ActiveAttempt: not null, StartedAt: { } started } ? started + wait - now : wait;
        return left > TimeSpan.Zero ? left : null;
    }

    /// <summary>Longest one attempt of the step may run: its <c>timeoutSeconds</c>, at most the engine's step timeout.</summary>
    private TimeSpan Timeout(TaskStep step) =>
        step.TimeoutSeconds is { } seconds && TimeSpan.FromSeconds(seconds) < _options.StepTimeout ? TimeSpan.FromSeconds(seconds) : _options.StepTimeout;

    /// <summary>For a running attempt of a step with <c>timeoutSeconds</c>: how long it may still run (zero or less: over); null without one.</summary>
    private static TimeSpan? TimeoutLeft(TaskStep step, DateTimeOffset now) =>
        step is { TimeoutSeconds: { } seconds, StartedAt: { } started } ? started + TimeSpan.FromSeconds(seconds) - now : null;

    /// <summary>The step's retry policy: its own, else its task's, else the configured default.</summary>
    private StepRetryPolicy PolicyOf(TaskRecord task, TaskStep step) => step.Retry ?? task.Retry ?? _options.Retry.ToPolicy();

    private async Task<TaskSnapshot> ClaimAsync(TaskSnapshot snapshot, TaskStep step, DateTimeOffset now, CancellationToken stopping)
    {
        List<StepAttempt> interrupted = [];
        if (step is { Status: StepState.Started, ActiveAttempt: { } lost })
        {
            // A runner stopped while this attempt ran (crash, redeploy): record it and run the step again.
            LogResumingInterrupted(step.TaskId, step.Name, lost);
            interrupted.Add(new StepAttempt
            {
                TaskId = step.TaskId,
                StepIndex = step.Index,
                Number = lost,
                StartedAt = step.StartedAt ?? now,
                FinishedAt = now,
                Params = step.Params,
                Outcome = StepState.Started,
                Error = new FailureDetails("FuncTasks.Interrupted", "The runner stopped while this attempt ran; the step was run again."),
            });
        }

        var task = snapshot.Task with { StartedAt = snapshot.Task.StartedAt ?? now, UpdatedAt = now };
        var update = new TaskUpdate(task, [Claimed(step, now)], interrupted);
        // A claim whose answer was lost may have landed: the retry then loses on the ETag, and the step is found
        // Started on the re-read and claimed again as a new attempt (its action never ran).
        return await _outage.RetryAsync(() => SaveAsync(snapshot, update, stopping), stopping);
    }

    /// <summary>The step claimed by a runner for its next attempt.</summary>
    private static TaskStep Claimed(TaskStep step, DateTimeOffset now)
    {
        var number = step.AttemptCount + 1;
        return step with
        {
            Status = StepState.Started,
            AttemptCount = number,
            ActiveAttempt = number,
            StartedAt = now,
            CompletedAt = null,
            Error = null,
            NextAttemptAt = null,
        };
    }

    private async Task<StepRunOutcome> RunClaimedAsync(
        TaskSnapshot snapshot, int index, bool chain, CancellationToken stopping, CancellationToken hold, CancellationToken handBack = default)
    {
        var step = snapshot.Steps[index];
        var attempt = step.ActiveAttempt!.Value;
        var signal = running.Register(step.TaskId);
        StepResult? result = null;
        Exception? error = null;
        var cancelled = false;
        try
        {
            var limit = Timeout(step);
            using var timeout = new CancellationTokenSource(limit, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(signal.Token, timeout.Token, stopping);
            try
            {
                var action = actions.Find(step.Action) ?? throw new UnknownActionException(step.Action);
                LogStepStarted(step.TaskId, step.Name, step.Action, attempt);
                if (action is TimerDelayStepAction && step.TimeoutSeconds is { } t && t < (step.Params.GetNumber("seconds") ?? 0))
                {
                    // Under an orchestrator the delay was waited on a durable timer, cut at the step's timeout: that ended the attempt.
                    throw Thrown(new StepTimeoutException(limit));
                }

                result = await action.ExecuteAsync(new StepContext(step.TaskId, step.Id, step.Name, attempt, step.Params), linked.Token);
            }
            catch (OperationCanceledException) when (signal.IsCancellationRequested)
            {
                cancelled = true;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                LogInterrupted(step.TaskId, step.Name);
                return new StepRunOutcome(StepRunKind.Interrupted, snapshot);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                error = Thrown(new StepTimeoutException(limit));
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }
        finally
        {
            running.Unregister(step.TaskId, signal);
        }

        try
        {
            return await RecordOutcomeAsync(
                snapshot, index, attempt, result, error, cancelled, chain && !stopping.IsCancellationRequested && !handBack.IsCancellationRequested, hold);
        }
        catch (OperationCanceledException) when (hold.IsCancellationRequested)
        {
            // The host stops in the middle of a storage outage: the result is lost, the step runs again on the next delivery.
            LogResultAbandoned(step.TaskId, step.Name, attempt);
            return new StepRunOutcome(StepRunKind.Interrupted, snapshot);
        }
    }

    /// <summary>
    /// Writes the attempt's outcome; through a storage outage the result is held and the write tried again until
    /// <paramref name="hold"/> ends. Every write inserts the attempt's row, so after an ETag conflict the re-read shows
    /// whether this very write had landed (its answer lost to a broken connection and the write retried): that is
    /// this run's outcome, not a lost race.
    /// </summary>
    private async Task<StepRunOutcome> RecordOutcomeAsync(
        TaskSnapshot snapshot, int index, int attempt, StepResult? result, Exception? error, bool cancelled, bool chain, CancellationToken hold)
    {
        var taskId = snapshot.Task.Id;
        TaskStep? claimed = null;
        for (var conflicts = 0; ; conflicts++)
        {
            var now = time.GetUtcNow();
            var task = snapshot.Task;
            var step = snapshot.Steps[index];
            var record = new StepAttempt
            {
                TaskId = taskId,
                StepIndex = index,
                Number = attempt,
                StartedAt = step.StartedAt ?? now,
                FinishedAt = now,
                Params = step.Params,
                Outcome = StepState.Completed,
            };
            try
            {
                if (cancelled || task.Status == TaskState.Cancelled)
                {
                    var update = step.Status == StepState.Cancelled || task.Status != TaskState.InProgress
                        ? new TaskUpdate(NewAttempts: [record with { Outcome = StepState.Cancelled }])
                        : new TaskUpdate(task with { Status = TaskState.Cancelled, CompletedAt = now, UpdatedAt = now },
                            [step with { Status = StepState.Cancelled, CompletedAt = now, ActiveAttempt = null }],
                            [record with { Outcome = StepState.Cancelled }]);
                    claimed = null;
                    snapshot = await SaveHeldAsync(snapshot, update, hold);
                    LogStepCancelled(taskId, step.Name);
                    return new StepRunOutcome(StepRunKind.Cancelled, snapshot);
                }

                if (step.ActiveAttempt != attempt || task.Status != TaskState.InProgress)
                {
                    // Another runner took the step over (this one was presumed dead): its outcome counts.
                    return StepRunOutcome.Nothing(snapshot);
                }

                if (error is not null)
                {
                    var failure = FailureDetails.FromException(error);
                    var policy = PolicyOf(task, step);
                    var setAttempt = step.FailedAttempts + 1;
                    var kind = ErrorClasses.Classify(error);
                    if (kind.Transient && setAttempt < policy.MaxAttempts && !policy.Excludes(kind.Name, kind.HttpStatus))
                    {
                        // Transient, attempts left: the step waits for its next attempt, the task stays in progress.
                        var wait = RetryBackoff.Wait(policy, setAttempt, kind.RetryAfter, Random.Shared.NextDouble());
                        claimed = null;
                        snapshot = await SaveHeldAsync(snapshot, new TaskUpdate(
                            task with { UpdatedAt = now },
                            [step with { ActiveAttempt = null, Error = failure, FailedAttempts = setAttempt, NextAttemptAt = now + wait }],
                            [record with { Outcome = StepState.Failed, Error = failure }]), hold);
                        LogAttemptFailedRetrying(error, taskId, step.Name, step.Action, setAttempt, policy.MaxAttempts, kind.Name, wait.TotalSeconds);
                        return new StepRunOutcome(StepRunKind.DelayPending, snapshot) { DelayLeft = wait };
                    }

                    var taskFailure = FailureDetails.FromException(Thrown(new StepFailedException(step.Name, step.Action, error, setAttempt)));
                    claimed = null;
                    snapshot = await SaveHeldAsync(snapshot, new TaskUpdate(
                        task with { Status = TaskState.Failed, CompletedAt = now, UpdatedAt = now, Error = taskFailure, FailedStepIndex = index },
                        [step with { Status = StepState.Failed, CompletedAt = now, ActiveAttempt = null, Error = failure, FailedAttempts = 0, NextAttemptAt = null }],
                        [record with { Outcome = StepState.Failed, Error = failure }]), hold);
                    LogStepFailed(error, taskId, step.Name, step.Action, attempt);
                    return new StepRunOutcome(StepRunKind.StepFailed, snapshot);
                }

                if (result!.IsWaiting)
                {
                    LogStepWaiting(taskId, step.Name);
                    return new StepRunOutcome(StepRunKind.Waiting, snapshot) { DelayLeft = TimeoutLeft(step, now) is { } left && left > TimeSpan.Zero ? left : null };
                }

                var completed = step with
                {
                    Status = StepState.Completed,
                    CompletedAt = now,
                    ActiveAttempt = null,
                    Error = null,
                    Output = result.Output is null ? null : FailureDetails.Cap(result.Output, 4096),
                };
                var isLast = snapshot.Steps.All(s => s.Index == index || s.Status.IsDone());
                var progressed = Progressed(task, now);
                // Chained: the next step is claimed in the same transaction (one write per step instead of two).
                var next = chain && !isLast ? snapshot.Steps.FirstOrDefault(s => s.Index != index && !s.Status.IsDone()) : null;
                var claimNext = next is { Status: StepState.Pending, ActiveAttempt: null } ? Claimed(next, now) : null;
                claimed = claimNext;
                snapshot = await SaveHeldAsync(snapshot, new TaskUpdate(
                    isLast ? Succeeded(progressed, now) : progressed, claimNext is null ? [completed] : [completed, claimNext], [record]), hold);
                LogStepCompleted(taskId, step.Name, attempt);
                if (isLast)
                {
                    LogTaskSucceeded(taskId);
                }

                return new StepRunOutcome(isLast ? StepRunKind.TaskSucceeded : StepRunKind.StepCompleted, snapshot) { ClaimedStep = claimNext?.Index };
            }
            catch (ConcurrencyConflictException) when (conflicts < _options.MaxConflictRetries)
            {
                snapshot = await _outage.RetryAsync(() => store.GetAsync(taskId, includeAttempts: true, CancellationToken.None), hold)
                    ?? throw new InvalidOperationException($"Task {taskId} disappeared while its step ran.");
                if (Landed(snapshot, index, attempt, claimed, time.GetUtcNow()) is { } landed)
                {
                    LogOutcomeFound(taskId, snapshot.Steps[index].Name, attempt);
                    return landed;
                }
            }
        }
    }

    /// <summary>Through an outage, holds the update and tries it again (the same write, with the same ETags).</summary>
    private Task<TaskSnapshot> SaveHeldAsync(TaskSnapshot snapshot, TaskUpdate update, CancellationToken hold) =>
        _outage.RetryAsync(() => SaveAsync(snapshot, update, CancellationToken.None), hold);

    /// <summary>
    /// The outcome of this attempt, if its write is already stored: the attempt row with a final outcome is inserted
    /// only by the transaction that records this attempt (a runner that took the step over records it as interrupted,
    /// outcome Started). <paramref name="claimed"/> is the next step that write claimed, still this run's if unchanged.
    /// </summary>
    private static StepRunOutcome? Landed(TaskSnapshot snapshot, int index, int attempt, TaskStep? claimed, DateTimeOffset now)
    {
        var row = snapshot.AttemptsOf(index).FirstOrDefault(a => a.Number == attempt);
        return row?.Outcome switch
        {
            StepState.Cancelled => new StepRunOutcome(StepRunKind.Cancelled, snapshot),
            StepState.Failed when snapshot.Steps[index] is { IsWaitingToRetry: true, NextAttemptAt: { } due } && snapshot.Task.Status == TaskState.InProgress =>
                new StepRunOutcome(StepRunKind.DelayPending, snapshot) { DelayLeft = due > now ? due - now : TimeSpan.Zero },
            StepState.Failed => new StepRunOutcome(StepRunKind.StepFailed, snapshot),
            StepState.Completed when snapshot.Task.Status == TaskState.Succeeded => new StepRunOutcome(StepRunKind.TaskSucceeded, snapshot),
            StepState.Completed => new StepRunOutcome(StepRunKind.StepCompleted, snapshot)
            {
                ClaimedStep = claimed is { } c && snapshot.Steps.FirstOrDefault(s => s.Index == c.Index) is { Status: StepState.Started } s
                    && s.ActiveAttempt == c.ActiveAttempt ? c.Index : null,
            },
            _ => null,
        };
    }

    /// <summary>Every write of the engine is recorded in the audit trail as the engine's, never as a caller's whose flow it inherited.</summary>
    private Task<TaskSnapshot> SaveAsync(TaskSnapshot current, TaskUpdate update, CancellationToken cancellationToken) =>
        store.SaveAsync(current, update with { Actor = TaskActor.Engine, Operation = update.Operation ?? RunOperation }, cancellationToken);

    /// <summary>The task after one more step completed: counters and progress.</summary>
    public static TaskRecord Progressed(TaskRecord task, DateTimeOffset now)
    {
        var completedSteps = Math.Min(task.CompletedSteps + 1, task.StepCount);
        return task with
        {
            CompletedSteps = completedSteps,
            Progress = task.StepCount == 0 ? 100 : completedSteps * 100 / task.StepCount,
            UpdatedAt = now,
        };
    }

    public static TaskRecord Succeeded(TaskRecord task, DateTimeOffset now) => task with
    {
        Status = TaskState.Succeeded,
        CompletedAt = now,
        UpdatedAt = now,
        Progress = 100,
        Error = null,
        FailedStepIndex = null,
    };

    private static Exception Thrown(Exception exception) => ExceptionDispatchInfo.SetCurrentStackTrace(exception);

    // A step's start and completion are Debug: the audit trail records every transition, and two Information lines per step
    // cost a chained run of instant steps a sizeable share of its host time (bench scenario 3). Failures, waits, cancels,
    // retries and a task's end stay Information or above.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId}: step {StepName} ({Action}) attempt {Attempt} started")]
    private partial void LogStepStarted(Guid taskId, string stepName, string action, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId}: step {StepName} attempt {Attempt} completed")]
    private partial void LogStepCompleted(Guid taskId, string stepName, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: step {StepName} ({Action}) attempt {Attempt} failed")]
    private partial void LogStepFailed(Exception exception, Guid taskId, string stepName, string action, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: step {StepName} ({Action}) attempt {Attempt} of {MaxAttempts} failed ({ErrorClass}); next attempt in {WaitSeconds} s")]
    private partial void LogAttemptFailedRetrying(Exception exception, Guid taskId, string stepName, string action, int attempt, int maxAttempts, string errorClass, double waitSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: step {StepName} waits for an external completion")]
    private partial void LogStepWaiting(Guid taskId, string stepName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: step {StepName} cancelled")]
    private partial void LogStepCancelled(Guid taskId, string stepName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} succeeded")]
    private partial void LogTaskSucceeded(Guid taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: step {StepName} interrupted by host shutdown; it resumes on the next delivery")]
    private partial void LogInterrupted(Guid taskId, string stepName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: step {StepName} attempt {Attempt}: its outcome was already stored (the write landed before its answer was lost)")]
    private partial void LogOutcomeFound(Guid taskId, string stepName, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: step {StepName} attempt {Attempt} finished, but the host stopped before storage came back to record it; the step runs again on the next delivery")]
    private partial void LogResultAbandoned(Guid taskId, string stepName, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: step {StepName} attempt {Attempt} was interrupted; running it again")]
    private partial void LogResumingInterrupted(Guid taskId, string stepName, int attempt);
}
