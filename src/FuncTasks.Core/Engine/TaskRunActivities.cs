using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Engine;

/// <summary>
/// The work behind the orchestrator's activities, here so that it is tested without the Functions runtime;
/// each activity function is a one-line call to one of these methods.
/// </summary>
public sealed class TaskRunActivities(
    StepExecutor executor,
    ITaskStore store,
    RunningSteps running,
    TimeProvider time,
    IOptions<EngineOptions> options,
    IOptions<OrchestrationOptions> orchestration)
{
    public const string BrokenRunErrorType = "FuncTasks.RunBroken";

    /// <summary>
    /// Runs the task's steps from the next one, chained as the queue runner does (completing a step claims the next in the
    /// same transaction: one write per step, no read between steps), until one fails, waits for someone (an external step),
    /// needs a durable wait (a <c>delay</c> step, which it claims, or a retry's next attempt: the report says how long), the
    /// task ends, or <see cref="OrchestrationOptions.StepBatchTime"/> has passed (the step running then finishes, the next
    /// one is left unclaimed, and the next activity carries on). Each activity starts from storage (or from the snapshot this
    /// host wrote when it started or resumed the run), so a repeated delivery never runs a completed step again.
    /// While steps run, the task row is checked every <see cref="OrchestrationOptions.CancelCheckInterval"/> so that a cancel
    /// made through any instance reaches the running step's cancellation token (terminating the orchestration does not stop a
    /// running activity). Throws when the host is stopping, so that the orchestrator's retry policy runs it again.
    /// </summary>
    public async Task<StepReport> ExecuteStepAsync(TaskRun run, CancellationToken stopping)
    {
        var started = store.TakeStarted(run.TaskId, run.Generation);
        StepRunOutcome? outcome = started is null ? null : StepRunOutcome.Nothing(started);
        using (var budget = new CancellationTokenSource(orchestration.Value.StepBatchTime, time))
        using (var watching = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            var watcher = SignalCancelAsync(run.TaskId, watching.Token);
            try
            {
                // A step claimed by the previous one's write is always run here (left behind, it would count as interrupted).
                while (true)
                {
                    outcome = await executor.RunNextStepChainedAsync(run.TaskId, run.Generation, outcome, stopping, handBack: budget.Token);
                    if (DelayStepLeft(outcome) is { } left && left <= orchestration.Value.DelayInActivity)
                    {
                        // A delay step (claimed, its time counted from its start) with little left: waited here, then completed
                        // from the snapshot held (its ETag guards the write). A cancel re-reads the task from storage.
                        outcome = await WaitHereAsync(run.TaskId, left, stopping) ? outcome : StepRunOutcome.Nothing();
                        continue;
                    }

                    if (outcome.Kind != StepRunKind.StepCompleted || (outcome.ClaimedStep is null && budget.IsCancellationRequested))
                    {
                        break;
                    }
                }
            }
            finally
            {
                await watching.CancelAsync();
                await watcher;
            }
        }

        if (outcome.Kind == StepRunKind.Interrupted)
        {
            throw new OperationCanceledException($"Task {run.TaskId}: the host stopped while a step ran; the step runs again.", stopping);
        }

        // DelayPending: a delay step claimed (or reached before its time) or a step waiting for its next attempt; the loop
        // goes on after a durable timer. StepCompleted: the time budget passed; the next activity goes on at once.
        return outcome.Kind switch
        {
            // A longer delay: the durable timer ends half of DelayInActivity early, and the next activity waits the rest here.
            StepRunKind.DelayPending when DelayStepLeft(outcome) is { } left =>
                new StepReport(StepRunKind.StepCompleted, left - (orchestration.Value.DelayInActivity / 2)),
            StepRunKind.DelayPending => new StepReport(StepRunKind.StepCompleted, outcome.DelayLeft),
            StepRunKind.Waiting => new StepReport(StepRunKind.Waiting, outcome.DelayLeft),
            var kind => new StepReport(kind),
        };
    }

    /// <summary>With a <c>delay</c> step that waits before it completes (not a step waiting for its next attempt): how long.</summary>
    private static TimeSpan? DelayStepLeft(StepRunOutcome outcome) =>
        outcome is { Kind: StepRunKind.DelayPending, DelayLeft: { } left, Snapshot.NextRunnableStep: { IsWaitingToRetry: false } step } &&
        string.Equals(step.Action, DelayStepAction.ActionName, StringComparison.OrdinalIgnoreCase)
            ? left
            : null;

    /// <summary>
    /// Waits out a delay step's last stretch in the activity; false when a cancel reached it (through <see cref="RunningSteps"/>,
    /// as a running action's token). Throws when the host stops: the activity runs again and waits what is left, never less.
    /// </summary>
    private async Task<bool> WaitHereAsync(Guid taskId, TimeSpan wait, CancellationToken stopping)
    {
        var signal = running.Register(taskId);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, signal.Token);
            await time.DelayUntilAsync(time.GetUtcNow() + wait, linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            running.Unregister(taskId, signal);
        }
    }

    private async Task SignalCancelAsync(Guid taskId, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(orchestration.Value.CancelCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    if (await store.GetTaskAsync(taskId, stop) is { Status: TaskState.Cancelled } && running.Cancel(taskId))
                    {
                        return;
                    }
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    // A failed check is tried again on the next tick; the step's outcome write still sees the cancel.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Marks a run that never reached an outcome failed, with its step, so that an operator can retry it
    /// (the Durable counterpart of the queue runner's poison message). Changes nothing if the run moved on.
    /// </summary>
    public async Task FailRunAsync(BrokenRun run, CancellationToken cancellationToken)
    {
        for (var conflicts = 0; ; conflicts++)
        {
            var snapshot = await store.GetAsync(run.TaskId, includeAttempts: false, cancellationToken);
            if (snapshot is null || snapshot.Task.Status != TaskState.InProgress || snapshot.Task.Generation != run.Generation)
            {
                return;
            }

            var now = time.GetUtcNow();
            var step = snapshot.NextRunnableStep;
            var error = new FailureDetails(
                BrokenRunErrorType,
                FailureDetails.Cap(
                    "The step could not be run to an outcome" + (step is null ? string.Empty : $" (step '{step.Name}')") +
                    $": {run.Error.Message} Fix the cause (see the log) and retry the task.", FailureDetails.MaxMessageLength),
                null,
                Capped(run.Error));
            TaskStep[] steps = step is null ? [] : [step with { Status = StepState.Failed, ActiveAttempt = null, CompletedAt = now, Error = error }];
            try
            {
                await store.SaveAsync(snapshot, new TaskUpdate(
                    snapshot.Task with { Status = TaskState.Failed, CompletedAt = now, UpdatedAt = now, Error = error, FailedStepIndex = step?.Index },
                    steps) { Actor = TaskActor.Engine, Operation = "run-broken" }, cancellationToken);
                return;
            }
            catch (ConcurrencyConflictException) when (conflicts < options.Value.MaxConflictRetries)
            {
            }
        }
    }

    private static FailureDetails Capped(FailureDetails failure) => failure with
    {
        Message = FailureDetails.Cap(failure.Message, FailureDetails.MaxMessageLength),
        StackTrace = failure.StackTrace is { } stack ? FailureDetails.Cap(stack, FailureDetails.MaxStackTraceLength) : null,
        InnerFailure = null,
    };
}
