using FuncTasks.Core;
using FuncTasks.Core.Actions;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using FuncTasks.Functions.Tests.Support;
using Moq;

namespace FuncTasks.Functions.Tests.Orchestration;

/// <summary>The work behind the orchestrator's activities, on Core's real engine over an in-memory store.</summary>
public sealed class TaskRunActivitiesTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromDays(30);
    private readonly CheckStepAction _check = new();
    private readonly Engine _engine;

    public TaskRunActivitiesTests() => _engine = new Engine(_check);

    public void Dispose() => _engine.Dispose();

    private static (string, ParamValue) Value(long v) => ("value", ParamValue.Of(v));

    private static (string, ParamValue) Seconds(double s) => ("seconds", ParamValue.Of(s));

    [Fact]
    public async Task One_activity_runs_consecutive_instant_steps_chained_with_one_read_and_one_write_per_step()
    {
        var task = await _engine.CreateAsync([.. Enumerable.Range(1, 10).Select(i => Engine.Step($"s{i}", "check", Value(i)))]);
        _engine.Tasks.Mock.Invocations.Clear();

        var report = await _engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), CancellationToken.None);

        Assert.Equal(new StepReport(StepRunKind.TaskSucceeded), report);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), _check.Seen);
        var done = _engine.Tasks.Snapshot(task.Task.Id);
        Assert.All(done.Steps, s => Assert.Equal((StepState.Completed, 1), (s.Status, s.AttemptCount)));
        Assert.All(done.Attempts, a => Assert.Equal(StepState.Completed, a.Outcome));
        // One read at the start; the first step's claim, then each step's outcome write claims the next one.
        _engine.Tasks.Mock.Verify(s => s.GetAsync(task.Task.Id, It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Once);
        _engine.Tasks.Mock.Verify(s => s.SaveAsync(It.IsAny<TaskSnapshot>(), It.IsAny<TaskUpdate>(), It.IsAny<CancellationToken>()), Times.Exactly(11));
    }

    [Fact]
    public async Task A_run_goes_on_up_to_a_delay_step_claims_it_and_reports_its_wait_less_the_part_the_next_activity_waits()
    {
        var task = await _engine.CreateAsync(Engine.Step("check", "check", Value(1)), Engine.Step("pause", "delay", Seconds(45)), Engine.Step("last", "check", Value(2)));

        var report = await _engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), CancellationToken.None);

        // The durable timer ends half of DelayInActivity (4 s) early: the next activity waits the last 2 s itself.
        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromSeconds(43)), report);
        var steps = _engine.Tasks.Snapshot(task.Task.Id).Steps;
        Assert.Equal(StepState.Completed, steps[0].Status);
        Assert.Equal((StepState.Started, 1, _engine.Time.GetUtcNow()), (steps[1].Status, steps[1].ActiveAttempt, steps[1].StartedAt));
        Assert.Equal(StepState.Pending, steps[2].Status);
        Assert.Equal(new long[] { 1 }, _check.Seen);
    }

    [Fact]
    public async Task The_delay_step_itself_completes_at_once_because_the_orchestrator_already_waited_and_the_run_goes_on()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(3600)), Engine.Step("last", "check", Value(2)));
        var run = new TaskRun(task.Task.Id, 1, Timeout);

        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromHours(1) - TimeSpan.FromSeconds(2)), await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
        _engine.Time.Advance(TimeSpan.FromHours(1)); // the orchestrator's durable timer, fired late enough for nothing to be left
        var report = await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None);

        Assert.Equal(new StepReport(StepRunKind.TaskSucceeded), report);
        Assert.Equal(StepState.Completed, _engine.Tasks.Snapshot(task.Task.Id).Steps[0].Status);
        Assert.Equal(new long[] { 2 }, _check.Seen);
    }

    [Fact]
    public async Task A_short_delay_step_is_waited_inside_the_activity_never_less_than_its_time_and_the_run_goes_on()
    {
        var task = await _engine.CreateAsync(Engine.Step("first", "check", Value(1)), Engine.Step("pause", "delay", Seconds(3)), Engine.Step("last", "check", Value(2)));

        var running = _engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), CancellationToken.None);
        var report = await AdvanceUntilDoneAsync(_engine, running);

        // One activity ran all three steps: no durable timer for a delay within DelayInActivity.
        Assert.Equal(new StepReport(StepRunKind.TaskSucceeded), report);
        Assert.Equal(new long[] { 1, 2 }, _check.Seen);
        var pause = _engine.Tasks.Snapshot(task.Task.Id).Steps[1];
        Assert.Equal(StepState.Completed, pause.Status);
        Assert.InRange(pause.CompletedAt!.Value - pause.StartedAt!.Value, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3) + Late);
    }

    [Fact]
    public async Task After_a_long_delays_timer_the_next_activity_waits_the_rest_never_less_than_the_steps_time()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(45)), Engine.Step("last", "check", Value(2)));
        var run = new TaskRun(task.Task.Id, 1, Timeout);

        var first = await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(43), first.NextDelay);
        _engine.Time.Advance(TimeSpan.FromSeconds(43.5)); // the durable timer, half a second late
        var report = await AdvanceUntilDoneAsync(_engine, _engine.Activities.ExecuteStepAsync(run, CancellationToken.None));

        Assert.Equal(new StepReport(StepRunKind.TaskSucceeded), report);
        var pause = _engine.Tasks.Snapshot(task.Task.Id).Steps[0];
        Assert.InRange(pause.CompletedAt!.Value - pause.StartedAt!.Value, TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(45) + Late);
    }

    [Fact]
    public async Task A_timer_that_fires_early_leaves_more_than_delay_in_activity_and_another_timer_is_reported()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(45)), Engine.Step("last", "check", Value(2)));
        var run = new TaskRun(task.Task.Id, 1, Timeout);

        await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None);
        _engine.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromSeconds(13)), await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
        Assert.Equal(StepState.Started, _engine.Tasks.Snapshot(task.Task.Id).Steps[0].Status);
        Assert.Empty(_check.Seen);
    }

    [Fact]
    public async Task With_no_delay_in_activity_the_whole_delay_is_reported_for_a_durable_timer()
    {
        using var engine = new Engine([_check], new OrchestrationOptions { DelayInActivity = TimeSpan.Zero });
        var task = await engine.CreateAsync(Engine.Step("pause", "delay", Seconds(1)), Engine.Step("last", "check", Value(2)));

        var report = await engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), CancellationToken.None);

        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromSeconds(1)), report);
        Assert.Empty(_check.Seen);
    }

    [Fact]
    public async Task A_cancel_during_a_delay_waited_in_the_activity_ends_it_at_once_and_the_next_step_never_runs()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(3)), Engine.Step("last", "check", Value(2)));
        var running = _engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), CancellationToken.None);
        var steps = _engine.Get<RunningSteps>();
        await Eventually.Until(() => steps.Count == 1, "the activity waits for the delay step");

        // As DurableTaskRunner.CancelAsync on this host: the cancel is stored, then the task's running step is signalled.
        await _engine.Get<FuncTasks.Core.Commands.CancelTaskHandler>().HandleAsync(task.Task.Id, CancellationToken.None);
        Assert.True(steps.Cancel(task.Task.Id));
        var report = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StepRunKind.NothingToDo, report.Kind);
        var snapshot = _engine.Tasks.Snapshot(task.Task.Id);
        Assert.Equal(TaskState.Cancelled, snapshot.Task.Status);
        Assert.Equal([StepState.Cancelled, StepState.Cancelled], snapshot.Steps.Select(s => s.Status));
        Assert.Empty(_check.Seen);
        Assert.Equal(0, steps.Count);
    }

    [Fact]
    public async Task A_host_stopping_during_a_delay_waited_in_the_activity_throws_and_the_retried_activity_waits_the_rest()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(3)), Engine.Step("last", "check", Value(2)));
        var run = new TaskRun(task.Task.Id, 1, Timeout);
        using var stopping = new CancellationTokenSource();
        var running = _engine.Activities.ExecuteStepAsync(run, stopping.Token);
        await Eventually.Until(() => _engine.Get<RunningSteps>().Count == 1, "the activity waits for the delay step");

        _engine.Time.Advance(TimeSpan.FromSeconds(1));
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(StepState.Started, _engine.Tasks.Snapshot(task.Task.Id).Steps[0].Status);

        // The activity runs again (elsewhere, or here after a restart): the step's time still counts from its start.
        var report = await AdvanceUntilDoneAsync(_engine, _engine.Activities.ExecuteStepAsync(run, CancellationToken.None));

        Assert.Equal(new StepReport(StepRunKind.TaskSucceeded), report);
        var pause = _engine.Tasks.Snapshot(task.Task.Id).Steps[0];
        Assert.InRange(pause.CompletedAt!.Value - pause.StartedAt!.Value, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3) + Late);
        Assert.Equal(new long[] { 2 }, _check.Seen);
    }

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>How late a wait on the ticking fake clock may end (a few ticks can pass before the wait starts).</summary>
    private static readonly TimeSpan Late = TimeSpan.FromSeconds(1);

    /// <summary>Moves the fake clock on a tick at a time until the activity is done (its in-activity wait is on that clock).</summary>
    private static async Task<StepReport> AdvanceUntilDoneAsync(Engine engine, Task<StepReport> running)
    {
        await Eventually.Until(
            () =>
            {
                if (!running.IsCompleted)
                {
                    engine.Time.Advance(Tick);
                }

                return running.IsCompleted;
            },
            "the activity completes",
            every: TimeSpan.FromMilliseconds(5));
        return await running;
    }

    [Fact]
    public async Task Nothing_runs_for_another_run_generation()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(60)), Engine.Step("last", "check", Value(2)));

        var report = await _engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 2, Timeout), CancellationToken.None);

        Assert.Equal(new StepReport(StepRunKind.NothingToDo), report);
        Assert.Equal(StepState.Pending, _engine.Tasks.Snapshot(task.Task.Id).Steps[0].Status);
    }

    [Fact]
    public async Task After_its_time_budget_the_activity_hands_back_after_the_running_step_leaving_the_next_one_unclaimed()
    {
        // Each step takes 4 s of the (fake) clock; the budget is 10 s: the third step finishes past it and the fourth is not claimed.
        var slow = new ClockStepAction(TimeSpan.FromSeconds(4));
        using var engine = new Engine(slow);
        slow.Clock = engine.Time;
        var task = await engine.CreateAsync([.. Enumerable.Range(1, 5).Select(i => Engine.Step($"s{i}", ClockStepAction.ActionName))]);
        var run = new TaskRun(task.Task.Id, 1, Timeout);

        var first = await engine.Activities.ExecuteStepAsync(run, CancellationToken.None);

        Assert.Equal(new StepReport(StepRunKind.StepCompleted), first);
        Assert.Equal(["s1", "s2", "s3"], slow.Ran);
        var steps = engine.Tasks.Snapshot(task.Task.Id).Steps;
        Assert.Equal([StepState.Completed, StepState.Completed, StepState.Completed, StepState.Pending, StepState.Pending], steps.Select(s => s.Status));
        Assert.Null(steps[3].ActiveAttempt);

        // The next activity carries on at the fourth step: no attempt is recorded as interrupted.
        Assert.Equal(new StepReport(StepRunKind.TaskSucceeded), await engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
        Assert.Equal(["s1", "s2", "s3", "s4", "s5"], slow.Ran);
        Assert.All(engine.Tasks.Snapshot(task.Task.Id).Attempts, a => Assert.Equal(StepState.Completed, a.Outcome));
    }

    [Fact]
    public async Task With_no_time_budget_each_activity_runs_one_step()
    {
        using var engine = new Engine([_check], new OrchestrationOptions { StepBatchTime = TimeSpan.Zero });
        var task = await engine.CreateAsync(Engine.Step("a", "check", Value(1)), Engine.Step("b", "check", Value(2)));
        var run = new TaskRun(task.Task.Id, 1, Timeout);

        Assert.Equal(new StepReport(StepRunKind.StepCompleted), await engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
        Assert.Equal(new long[] { 1 }, _check.Seen);
        Assert.Equal(StepState.Pending, engine.Tasks.Snapshot(task.Task.Id).Steps[1].Status);
        Assert.Equal(new StepReport(StepRunKind.TaskSucceeded), await engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
    }

    [Fact]
    public async Task A_failure_mid_run_ends_the_activity_and_after_a_restart_the_next_one_starts_at_the_failed_step()
    {
        var task = await _engine.CreateAsync(Engine.Step("a", "check", Value(1)), Engine.Step("b", "check", Value(-2)), Engine.Step("c", "check", Value(3)));
        var id = task.Task.Id;

        Assert.Equal(new StepReport(StepRunKind.StepFailed), await _engine.Activities.ExecuteStepAsync(new TaskRun(id, 1, Timeout), CancellationToken.None));
        Assert.Equal(new long[] { 1, -2 }, _check.Seen);
        Assert.Equal(StepState.Pending, _engine.Tasks.Snapshot(id).Steps[2].Status);

        await _engine.Get<FuncTasks.Core.Commands.RestartFailedStepHandler>().HandleAsync(
            new FuncTasks.Core.Commands.RestartFailedStep(TaskIds.StepId(id, 1), new Dictionary<string, ParamValue> { ["value"] = ParamValue.Of(2L) }),
            CancellationToken.None);
        var report = await _engine.Activities.ExecuteStepAsync(new TaskRun(id, _engine.Tasks.Snapshot(id).Task.Generation, Timeout), CancellationToken.None);

        Assert.Equal(new StepReport(StepRunKind.TaskSucceeded), report);
        Assert.Equal(new long[] { 1, -2, 2, 3 }, _check.Seen);
        Assert.Equal(new[] { StepState.Failed, StepState.Completed }, _engine.Tasks.Snapshot(id).AttemptsOf(1).Select(a => a.Outcome));
    }

    [Fact]
    public async Task A_failing_step_is_an_outcome_not_an_activity_failure()
    {
        var task = await _engine.CreateAsync(Engine.Step("check", "check", Value(-1)));

        var report = await _engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), CancellationToken.None);

        Assert.Equal(StepRunKind.StepFailed, report.Kind);
        Assert.Null(report.Broken);
        Assert.Equal(TaskState.Failed, _engine.Tasks.Snapshot(task.Task.Id).Task.Status);
    }

    [Fact]
    public async Task A_step_interrupted_by_the_host_stopping_throws_so_the_activity_is_retried()
    {
        var blocking = new Mock<IStepAction>();
        blocking.SetupGet(a => a.Name).Returns("block");
        blocking.Setup(a => a.Validate(It.IsAny<IReadOnlyDictionary<string, ParamValue>>())).Returns(Array.Empty<string>());
        using var stopping = new CancellationTokenSource();
        blocking.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()))
            .Returns(async (StepContext _, CancellationToken ct) =>
            {
                await stopping.CancelAsync();
                await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, ct);
                return StepResult.Completed();
            });
        using var engine = new Engine(blocking.Object);
        var task = await engine.CreateAsync(Engine.Step("block", "block"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), stopping.Token));

        // Nothing was recorded: the retried activity claims the step again and runs it.
        var step = engine.Tasks.Snapshot(task.Task.Id).Steps[0];
        Assert.Equal(StepState.Started, step.Status);
        Assert.Equal(TaskState.InProgress, engine.Tasks.Snapshot(task.Task.Id).Task.Status);
    }

    [Fact]
    public async Task A_cancel_made_through_another_instance_reaches_the_running_step()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = new Mock<IStepAction>();
        waiting.SetupGet(a => a.Name).Returns("wait");
        waiting.Setup(a => a.Validate(It.IsAny<IReadOnlyDictionary<string, ParamValue>>())).Returns(Array.Empty<string>());
        waiting.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()))
            .Returns(async (StepContext _, CancellationToken ct) =>
            {
                started.SetResult();
                await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, ct);
                return StepResult.Completed();
            });
        using var engine = new Engine(waiting.Object);
        var task = await engine.CreateAsync(Engine.Step("before", "delay", Seconds(0)), Engine.Step("wait", "wait"), Engine.Step("last", "wait"));
        var running = engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The cancel is written by another instance: the runner here (a mock) signals nothing.
        await engine.Get<FuncTasks.Core.Commands.CancelTaskHandler>().HandleAsync(task.Task.Id, CancellationToken.None);
        Assert.False(running.IsCompleted);
        engine.Time.Advance(new OrchestrationOptions().CancelCheckInterval);
        var report = await running.WaitAsync(TimeSpan.FromSeconds(30));

        // The run stops at the step that was running: the instant step before it completed, the one after it never starts.
        Assert.Equal(StepRunKind.Cancelled, report.Kind);
        var snapshot = engine.Tasks.Snapshot(task.Task.Id);
        Assert.Equal(TaskState.Cancelled, snapshot.Task.Status);
        Assert.Equal([StepState.Completed, StepState.Cancelled], snapshot.Attempts.OrderBy(a => a.StepIndex).Select(a => a.Outcome));
        Assert.Equal(StepState.Cancelled, snapshot.Steps[2].Status);
        Assert.Null(snapshot.Steps[2].StartedAt);
    }

    [Fact]
    public async Task A_broken_run_is_marked_failed_with_its_step_so_that_it_can_be_retried()
    {
        var task = await _engine.CreateAsync(Engine.Step("check", "check", Value(1)));
        var cause = new FailureDetails("Azure.RequestFailedException", "Service unavailable", new string('x', 20_000));

        await _engine.Activities.FailRunAsync(new BrokenRun(task.Task.Id, 1, cause), CancellationToken.None);

        var snapshot = _engine.Tasks.Snapshot(task.Task.Id);
        Assert.Equal(TaskState.Failed, snapshot.Task.Status);
        Assert.Equal(0, snapshot.Task.FailedStepIndex);
        Assert.Equal(TaskRunActivities.BrokenRunErrorType, snapshot.Task.Error?.ErrorType);
        Assert.Contains("Service unavailable", snapshot.Task.Error?.Message, StringComparison.Ordinal);
        Assert.True(snapshot.Task.Error?.InnerFailure?.StackTrace?.Length <= FailureDetails.MaxStackTraceLength + 1);
        Assert.Equal(StepState.Failed, snapshot.Steps[0].Status);
    }

    [Fact]
    public async Task Marking_a_run_that_moved_on_changes_nothing()
    {
        var task = await _engine.CreateAsync(Engine.Step("check", "check", Value(1)));

        await _engine.Activities.FailRunAsync(new BrokenRun(task.Task.Id, 7, new FailureDetails("X", "late")), CancellationToken.None);

        Assert.Equal(TaskState.InProgress, _engine.Tasks.Snapshot(task.Task.Id).Task.Status);
        _engine.Tasks.Mock.Verify(s => s.SaveAsync(It.IsAny<TaskSnapshot>(), It.IsAny<TaskUpdate>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public void Registered_after_the_built_in_actions_the_timer_delay_replaces_the_in_activity_delay()
    {
        var delay = _engine.Get<StepActionRegistry>().Find(DelayStepAction.ActionName);

        Assert.IsType<TimerDelayStepAction>(delay);
        Assert.Equal(
            new DelayStepAction(TimeProvider.System).Validate(StepParams.Empty),
            delay!.Validate(StepParams.Empty));
    }
}
