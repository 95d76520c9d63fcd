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
    public async Task A_completed_step_reports_how_long_the_next_delay_step_waits()
    {
        var task = await _engine.CreateAsync(Engine.Step("check", "check", Value(1)), Engine.Step("pause", "delay", Seconds(45)), Engine.Step("last", "check", Value(2)));

        var report = await _engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), CancellationToken.None);

        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromSeconds(45)), report);
    }

    [Fact]
    public async Task The_delay_step_itself_completes_at_once_because_the_orchestrator_already_waited()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(3600)), Engine.Step("last", "check", Value(2)));
        var run = new TaskRun(task.Task.Id, 1, Timeout);

        Assert.Equal(TimeSpan.FromHours(1), await _engine.Activities.StartDelayAsync(run, CancellationToken.None));
        _engine.Time.Advance(TimeSpan.FromHours(1)); // the orchestrator's durable timer
        var report = await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None);

        Assert.Equal(new StepReport(StepRunKind.StepCompleted), report);
        Assert.Equal(StepState.Completed, _engine.Tasks.Snapshot(task.Task.Id).Steps[0].Status);
    }

    [Fact]
    public async Task There_is_no_delay_before_a_step_of_another_run_or_of_a_task_not_in_progress()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(60)));

        Assert.Null(await _engine.Activities.StartDelayAsync(new TaskRun(task.Task.Id, 2, Timeout), CancellationToken.None));
        Assert.Null(TaskRunActivities.DelayBefore(task with { Task = task.Task with { Status = TaskState.Failed } }, 1));
        Assert.Null(TaskRunActivities.DelayBefore(null, 1));
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
        var task = await engine.CreateAsync(Engine.Step("wait", "wait"), Engine.Step("last", "wait"));
        var running = engine.Activities.ExecuteStepAsync(new TaskRun(task.Task.Id, 1, Timeout), CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The cancel is written by another instance: the runner here (a mock) signals nothing.
        await engine.Get<FuncTasks.Core.Commands.CancelTaskHandler>().HandleAsync(task.Task.Id, CancellationToken.None);
        Assert.False(running.IsCompleted);
        engine.Time.Advance(new OrchestrationOptions().CancelCheckInterval);
        var report = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StepRunKind.Cancelled, report.Kind);
        var snapshot = engine.Tasks.Snapshot(task.Task.Id);
        Assert.Equal(TaskState.Cancelled, snapshot.Task.Status);
        Assert.Equal(StepState.Cancelled, Assert.Single(snapshot.Attempts).Outcome);
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
