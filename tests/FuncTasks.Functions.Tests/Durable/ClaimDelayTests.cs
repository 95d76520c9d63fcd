using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using FuncTasks.Functions.Tests.Support;

namespace FuncTasks.Functions.Tests.Durable;

/// <summary>
/// How the Durable runner's <c>ExecuteStep</c> activity claims a <c>delay</c> step when the run reaches it and reports its
/// wait for the orchestrator's durable timer, never ending it early.
/// </summary>
public sealed class ClaimDelayTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromDays(30);
    private readonly Engine _engine = new(new CheckStepAction());

    public void Dispose() => _engine.Dispose();

    private static (string, ParamValue) Seconds(long s) => ("seconds", ParamValue.Of(s));

    /// <summary>The part of a delay the next activity waits itself: the reported durable timer ends this much early (half of DelayInActivity).</summary>
    private static readonly TimeSpan Lead = new OrchestrationOptions().DelayInActivity / 2;

    [Fact]
    public async Task The_delay_step_shows_started_while_it_waits_and_a_second_claim_counts_from_the_first()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(60)));
        var run = new TaskRun(task.Task.Id, 1, Timeout);

        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromSeconds(60) - Lead), await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
        var claimed = _engine.Tasks.Snapshot(task.Task.Id).Steps[0];
        Assert.Equal(StepState.Started, claimed.Status);
        Assert.Equal(1, claimed.ActiveAttempt);

        // The orchestration replays or its host restarted: the same attempt, 20 s of it gone.
        _engine.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromSeconds(40) - Lead), await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
        Assert.Equal(1, _engine.Tasks.Snapshot(task.Task.Id).Steps[0].AttemptCount);
    }

    [Fact]
    public async Task A_restarted_delay_step_waits_its_new_time_from_the_restart()
    {
        var task = await _engine.CreateAsync(Engine.Step("pause", "delay", Seconds(60)), Engine.Step("last", "check", ("value", ParamValue.Of(1L))));
        var id = task.Task.Id;
        await _engine.Activities.FailRunAsync(new BrokenRun(id, 1, new FailureDetails("Azure.RequestFailedException", "storage down")), CancellationToken.None);
        Assert.Equal(StepState.Failed, _engine.Tasks.Snapshot(id).Steps[0].Status);

        await _engine.Get<RestartFailedStepHandler>().HandleAsync(
            new RestartFailedStep(TaskIds.StepId(id, 0), new Dictionary<string, ParamValue> { ["seconds"] = ParamValue.Of(5L) }), CancellationToken.None);
        var restarted = _engine.Tasks.Snapshot(id);

        Assert.Equal(
            new StepReport(StepRunKind.StepCompleted, TimeSpan.FromSeconds(5) - Lead),
            await _engine.Activities.ExecuteStepAsync(new TaskRun(id, restarted.Task.Generation, Timeout), CancellationToken.None));
        var step = _engine.Tasks.Snapshot(id).Steps[0];
        Assert.Equal(StepState.Started, step.Status);
        Assert.NotNull(step.ActiveAttempt);
    }

    [Fact]
    public async Task A_repeated_step_activity_never_ends_a_delay_step_before_its_time()
    {
        var check = ("value", ParamValue.Of(1L));
        var task = await _engine.CreateAsync(Engine.Step("first", "check", check), Engine.Step("pause", "delay", Seconds(3600)), Engine.Step("last", "check", check));
        var id = task.Task.Id;
        var run = new TaskRun(id, 1, Timeout);
        // The first step runs and its write claims the delay step: its wait counts from then.
        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromHours(1) - Lead), await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
        Assert.Equal(StepState.Started, _engine.Tasks.Snapshot(id).Steps[1].Status);

        // The same activity delivered again (its host died after the write): the delay step is left to the timer, not claimed again.
        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromHours(1) - Lead), await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
        Assert.Equal(1, _engine.Tasks.Snapshot(id).Steps[1].AttemptCount);

        // A run before the timer fired (one that fired early) still leaves it, with the time that is left.
        _engine.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(new StepReport(StepRunKind.StepCompleted, TimeSpan.FromMinutes(45) - Lead), await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None));
        Assert.Equal(StepState.Started, _engine.Tasks.Snapshot(id).Steps[1].Status);

        _engine.Time.Advance(TimeSpan.FromMinutes(45));
        Assert.Equal(StepRunKind.TaskSucceeded, (await _engine.Activities.ExecuteStepAsync(run, CancellationToken.None)).Kind);
        var done = _engine.Tasks.Snapshot(id).Steps[1];
        Assert.Equal(StepState.Completed, done.Status);
        Assert.Equal(1, done.AttemptCount);
    }
}
