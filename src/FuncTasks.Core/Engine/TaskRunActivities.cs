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
    /// Runs the next step. While it runs, the task row is checked every <see cref="OrchestrationOptions.CancelCheckInterval"/>
    /// so that a cancel made through any instance reaches the step's cancellation token (terminating the orchestration
    /// does not stop a running activity). Throws when the host is stopping, so that the orchestrator's retry policy runs it again.
    /// </summary>
    public async Task<StepReport> ExecuteStepAsync(TaskRun run, CancellationToken stopping)
    {
        StepRunOutcome outcome;
        using (var watching = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            var watcher = SignalCancelAsync(run.TaskId, watching.Token);
            try
            {
                outcome = await executor.RunNextStepAsync(run.TaskId, run.Generation, known: null, stopping);
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

        if (outcome.Kind == StepRunKind.DelayPending)
        {
            // Nothing ran (a repeated delivery reached a delay step before its time): the loop goes on with the delay step,
            // which the orchestrator claims and waits for on a durable timer.
            return new StepReport(StepRunKind.StepCompleted, outcome.DelayLeft);
        }

        return new StepReport(outcome.Kind, outcome.Kind switch
        {
            StepRunKind.StepCompleted => DelayBefore(outcome.Snapshot, run.Generation),
            StepRunKind.Waiting => outcome.DelayLeft,
            _ => null,
        });
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

    /// <summary>Claims the task's next step when it is a <c>delay</c> step and returns how long is left of its wait (see <see cref="StepExecutor.ClaimDelayAsync"/>).</summary>
    public Task<TimeSpan?> StartDelayAsync(TaskRun run, CancellationToken cancellationToken) =>
        executor.ClaimDelayAsync(run.TaskId, run.Generation, cancellationToken);

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

    /// <summary>The durable wait before the task's next step: its <c>seconds</c> when it is a <c>delay</c> step of this run.</summary>
    public static TimeSpan? DelayBefore(TaskSnapshot? snapshot, int generation)
    {
        if (snapshot is not { Task: { Status: TaskState.InProgress } task } || task.Generation != generation)
        {
            return null;
        }

        var step = snapshot.NextRunnableStep;
        if (step is null || step.Status is not (StepState.Pending or StepState.Started) ||
            !string.Equals(step.Action, DelayStepAction.ActionName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var seconds = step.Params.GetNumber("seconds") ?? 0;
        return seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
    }
}
