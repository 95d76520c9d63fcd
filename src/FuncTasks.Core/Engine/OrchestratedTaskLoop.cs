using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Engine;

/// <summary>
/// One run of a task under an orchestrator (Durable Functions): the orchestration input and the input of
/// each activity. <paramref name="Generation"/> is the run generation the orchestration works for;
/// <paramref name="ResumeTimeout"/> how long it waits to be resumed after a failure or an external step.
/// </summary>
public sealed record TaskRun(Guid TaskId, int Generation, TimeSpan ResumeTimeout)
{
    /// <summary>
    /// How the orchestrator retries an activity that failed to run (not a failing step, which is an outcome): carried in the
    /// input so that the orchestrator stays deterministic; null takes <see cref="ActivityRetry.Default"/>.
    /// </summary>
    public ActivityRetry? Retry { get; init; }
}

/// <summary>Retries of an activity that could not run to an outcome (storage unreachable, host stopping), with exponential back-off.</summary>
public sealed record ActivityRetry(int MaxAttempts, TimeSpan FirstInterval, TimeSpan MaxInterval)
{
    public static ActivityRetry Default { get; } = new(5, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));
}

/// <summary>
/// What one <c>ExecuteStep</c> activity reports to the orchestrator: the outcome of the last step it ran, and with
/// <see cref="StepRunKind.StepCompleted"/> how long the orchestrator waits (on a durable timer) before the next activity
/// when the task's next step is a <c>delay</c> step (claimed: it shows as started) or waits for its next attempt (null: run
/// the next activity at once, the activity handed back after its time budget); with <see cref="StepRunKind.Waiting"/>, how
/// long until the external step's <c>timeoutSeconds</c> ends its attempt. <paramref name="Broken"/> is set when the host
/// could not run the step to an outcome at all (its activity failed on every attempt, e.g. storage unreachable).
/// </summary>
public sealed record StepReport(StepRunKind Kind, TimeSpan? NextDelay = null, FailureDetails? Broken = null)
{
    public static StepReport BrokenRun(FailureDetails failure) => new(StepRunKind.StepFailed, Broken: failure);
}

/// <summary>The input of the activity that marks a broken run failed.</summary>
public sealed record BrokenRun(Guid TaskId, int Generation, FailureDetails Error);

/// <summary>
/// The orchestration primitives the loop needs. The Durable implementation maps them to activities
/// (<see cref="TaskRunActivities"/>), a durable timer and the <c>resume</c> external event; it holds no logic.
/// </summary>
public interface ITaskOrchestration
{
    /// <summary>
    /// Runs the task's steps from the next one (an activity, retried by the host) until one fails, waits, needs a durable wait
    /// or the activity's time budget passes (see <see cref="TaskRunActivities.ExecuteStepAsync"/>); a run that never reached
    /// an outcome returns <see cref="StepReport.BrokenRun"/>.
    /// </summary>
    Task<StepReport> ExecuteStepAsync(TaskRun run);

    /// <summary>Marks a broken run failed so that it can be retried (an activity).</summary>
    Task FailRunAsync(BrokenRun run);

    /// <summary>Waits on a durable timer.</summary>
    Task DelayAsync(TimeSpan delay);

    /// <summary>Waits for the <c>resume</c> event; returns its payload (the run generation to carry on with), or null when the timeout passed first.</summary>
    Task<int?> WaitForResumeAsync(TimeSpan timeout);
}

/// <summary>
/// <see cref="ITaskLoopContext"/> for an orchestrator. Deterministic: it only calls <see cref="ITaskOrchestration"/>,
/// so a replay takes the same path. One <c>ExecuteStep</c> activity runs consecutive steps; when it reports that a
/// <c>delay</c> step (claimed by it) or a step's next attempt is due later, the loop waits on a durable timer before the next
/// activity; a failed or waiting step waits for <c>resume</c>, whose payload is the new run generation.
/// </summary>
public sealed class OrchestratedTaskLoop(ITaskOrchestration orchestration, TaskRun start) : ITaskLoopContext
{
    private TimeSpan? _nextDelay;
    private TimeSpan? _timeoutAfter;

    /// <summary>The run as it stands (its generation moves on with each resume).</summary>
    public TaskRun Run { get; private set; } = start;

    public static Task<StepRunKind> RunAsync(ITaskOrchestration orchestration, TaskRun run) =>
        TaskLoop.RunAsync(new OrchestratedTaskLoop(orchestration, run));

    public async Task<StepRunKind> RunNextStepAsync()
    {
        // The previous activity's report says whether the next step waits (a delay step it claimed, a retry's next attempt).
        // At the start and after a resume nothing is known and the activity finds out: a delay step it reaches is claimed
        // and reported, so no look-ahead activity runs before it.
        if (_nextDelay is { } delay && delay > TimeSpan.Zero)
        {
            _nextDelay = null;
            await orchestration.DelayAsync(delay);
        }

        var report = await orchestration.ExecuteStepAsync(Run);
        _nextDelay = report.Kind == StepRunKind.Waiting ? null : report.NextDelay;
        _timeoutAfter = report.Kind == StepRunKind.Waiting ? report.NextDelay : null;
        return report.Broken is { } failure ? await BrokenAsync(failure) : report.Kind;
    }

    /// <summary>A run whose activity never reached an outcome: marked failed (retryable), and the loop waits for a resume.</summary>
    private async Task<StepRunKind> BrokenAsync(FailureDetails failure)
    {
        await orchestration.FailRunAsync(new BrokenRun(Run.TaskId, Run.Generation, failure));
        _nextDelay = null;
        return StepRunKind.StepFailed;
    }

    public async Task<bool> WaitForResumeAsync(StepRunKind reason)
    {
        // An external step with timeoutSeconds: waited for until then at most; the step then runs again and fails as a timeout.
        var timeout = _timeoutAfter is { } t && t < Run.ResumeTimeout ? t : (TimeSpan?)null;
        _timeoutAfter = null;
        var generation = await orchestration.WaitForResumeAsync(timeout ?? Run.ResumeTimeout);
        if (generation is not { } g)
        {
            return timeout is not null;
        }

        Run = Run with { Generation = Math.Max(Run.Generation, g) };
        return true;
    }
}

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
                do
                {
                    outcome = await executor.RunNextStepChainedAsync(run.TaskId, run.Generation, outcome, stopping, handBack: budget.Token);
                }
                while (outcome.Kind == StepRunKind.StepCompleted && (outcome.ClaimedStep is not null || !budget.IsCancellationRequested));
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
            StepRunKind.DelayPending => new StepReport(StepRunKind.StepCompleted, outcome.DelayLeft),
            StepRunKind.Waiting => new StepReport(StepRunKind.Waiting, outcome.DelayLeft),
            var kind => new StepReport(kind),
        };
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

/// <summary>
/// The <c>delay</c> action under an orchestrator: the orchestrator has already waited the step's
/// <c>seconds</c> on a durable timer before running it, so the run itself completes at once.
/// Registered after the built-in actions it replaces <see cref="DelayStepAction"/> (the last registration of a name wins).
/// </summary>
public sealed class TimerDelayStepAction(TimeProvider time) : IStepAction
{
    private readonly DelayStepAction _rules = new(time);

    public string Name => DelayStepAction.ActionName;

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters) => _rules.Validate(parameters);

    public Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(StepResult.Completed());
    }
}

/// <summary>The orchestrated runner's settings (configuration section <c>FuncTasks:Runner</c>, shared with the queue runner's).</summary>
public sealed class OrchestrationOptions
{
    public const string Section = "FuncTasks:Runner";
    public const string DurableKind = "Durable";

    /// <summary>Which runner the host uses; the Functions app runs only the Durable runner and refuses any other.</summary>
    public string Kind { get; set; } = DurableKind;

    /// <summary>
    /// How long an orchestration waits for a retry, a restart or an external completion before it ends. Nothing
    /// is lost when it ends: a later retry, restart or completion starts a new orchestration for the task.
    /// </summary>
    public TimeSpan ResumeTimeout { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often a running step's activity checks the task row for a cancel made through another instance.</summary>
    public TimeSpan CancelCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one <c>ExecuteStep</c> activity goes on starting further steps of its task before it hands back to the
    /// orchestration (a step running then finishes first). Zero: one step per activity. At most <see cref="MaxStepBatchTime"/>,
    /// well under the Functions activity timeout.
    /// </summary>
    public TimeSpan StepBatchTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest <see cref="StepBatchTime"/> a host accepts.</summary>
    public static TimeSpan MaxStepBatchTime { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Tries of an activity that could not run to an outcome before the run is marked broken (failed, retryable).</summary>
    public int ActivityMaxAttempts { get; set; } = ActivityRetry.Default.MaxAttempts;

    /// <summary>First wait before such an activity is tried again; doubles per try up to two minutes.</summary>
    public TimeSpan ActivityFirstRetryInterval { get; set; } = ActivityRetry.Default.FirstInterval;

    public ActivityRetry ActivityRetry => new(ActivityMaxAttempts, ActivityFirstRetryInterval, ActivityRetry.Default.MaxInterval);

    public bool IsDurable => string.Equals(Kind, DurableKind, StringComparison.OrdinalIgnoreCase);
}
