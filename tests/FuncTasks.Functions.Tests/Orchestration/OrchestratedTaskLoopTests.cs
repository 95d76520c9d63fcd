using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Moq;

namespace FuncTasks.Functions.Tests.Orchestration;

/// <summary>The Durable orchestrator's adapter of the shared loop, against a mocked <see cref="ITaskOrchestration"/>.</summary>
public class OrchestratedTaskLoopTests
{
    private static readonly Guid TaskId = Guid.Parse("7fffe6b1-2a3c-8d4e-9f00-aabbccdd0000");
    private static readonly TaskRun Start = new(TaskId, 1, TimeSpan.FromDays(30));

    private readonly Mock<ITaskOrchestration> _orchestration = new(MockBehavior.Strict);
    private readonly List<string> _calls = [];

    public OrchestratedTaskLoopTests()
    {
        _orchestration.Setup(o => o.DelayAsync(It.IsAny<TimeSpan>()))
            .Returns(Task.CompletedTask).Callback((TimeSpan d) => _calls.Add($"timer {d.TotalSeconds}s"));
    }

    private void Steps(params StepReport[] reports)
    {
        var queue = new Queue<StepReport>(reports);
        _orchestration.Setup(o => o.ExecuteStepAsync(It.IsAny<TaskRun>()))
            .ReturnsAsync(() => queue.Dequeue())
            .Callback((TaskRun r) => _calls.Add($"step g{r.Generation}"));
    }

    private void Resumes(params int?[] generations)
    {
        var queue = new Queue<int?>(generations);
        _orchestration.Setup(o => o.WaitForResumeAsync(It.IsAny<TimeSpan>()))
            .ReturnsAsync(() => queue.Dequeue())
            .Callback((TimeSpan t) => _calls.Add($"wait {t.TotalDays}d"));
    }

    [Fact]
    public async Task Runs_step_activities_one_after_the_other_until_the_task_succeeds_with_no_look_ahead_activity()
    {
        // StepCompleted without a delay: the activity handed back after its time budget; the next one goes on at once.
        Steps(new StepReport(StepRunKind.StepCompleted), new StepReport(StepRunKind.StepCompleted), new StepReport(StepRunKind.TaskSucceeded));

        var outcome = await OrchestratedTaskLoop.RunAsync(_orchestration.Object, Start);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(new[] { "step g1", "step g1", "step g1" }, _calls);
    }

    [Fact]
    public async Task A_failed_step_waits_for_resume_then_runs_again_under_the_generation_the_event_carries()
    {
        Steps(new StepReport(StepRunKind.StepFailed), new StepReport(StepRunKind.TaskSucceeded));
        Resumes(2);
        var loop = new OrchestratedTaskLoop(_orchestration.Object, Start);

        var outcome = await TaskLoop.RunAsync(loop);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(new[] { "step g1", "wait 30d", "step g2" }, _calls);
        Assert.Equal(2, loop.Run.Generation);
    }

    [Fact]
    public async Task An_external_step_waits_for_its_completion_event_and_the_task_continues()
    {
        Steps(new StepReport(StepRunKind.Waiting), new StepReport(StepRunKind.StepCompleted), new StepReport(StepRunKind.TaskSucceeded));
        Resumes(2);

        var outcome = await OrchestratedTaskLoop.RunAsync(_orchestration.Object, Start);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(new[] { "step g1", "wait 30d", "step g2", "step g2" }, _calls);
    }

    [Fact]
    public async Task No_resume_before_the_timeout_ends_the_orchestration_with_the_reason_it_waited()
    {
        Steps(new StepReport(StepRunKind.StepFailed));
        Resumes((int?)null);

        var outcome = await OrchestratedTaskLoop.RunAsync(_orchestration.Object, Start with { ResumeTimeout = TimeSpan.FromDays(2) });

        Assert.Equal(StepRunKind.StepFailed, outcome);
        Assert.Equal(new[] { "step g1", "wait 2d" }, _calls);
    }

    [Fact]
    public async Task A_delay_step_claimed_by_an_activity_is_waited_on_a_durable_timer_before_the_next_activity()
    {
        // The first activity ran its steps up to a delay step, claimed it and reported 15 s left (or a retry's next attempt).
        Steps(new StepReport(StepRunKind.StepCompleted, NextDelay: TimeSpan.FromSeconds(15)), new StepReport(StepRunKind.StepCompleted), new StepReport(StepRunKind.TaskSucceeded));

        var outcome = await OrchestratedTaskLoop.RunAsync(_orchestration.Object, Start);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(new[] { "step g1", "timer 15s", "step g1", "step g1" }, _calls);
    }

    [Fact]
    public async Task A_broken_step_run_marks_the_run_failed_and_waits_for_a_retry()
    {
        var failure = new FailureDetails("Azure.RequestFailedException", "Service unavailable");
        Steps(StepReport.BrokenRun(failure), new StepReport(StepRunKind.TaskSucceeded));
        Resumes(2);
        BrokenRun? marked = null;
        _orchestration.Setup(o => o.FailRunAsync(It.IsAny<BrokenRun>()))
            .Returns(Task.CompletedTask).Callback((BrokenRun b) => { marked = b; _calls.Add("fail-run"); });

        var outcome = await OrchestratedTaskLoop.RunAsync(_orchestration.Object, Start);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(new BrokenRun(TaskId, 1, failure), marked);
        Assert.Equal(new[] { "step g1", "fail-run", "wait 30d", "step g2" }, _calls);
    }

    [Fact]
    public async Task A_stale_resume_never_takes_the_run_back_to_an_older_generation()
    {
        Steps(new StepReport(StepRunKind.StepFailed), new StepReport(StepRunKind.TaskSucceeded));
        Resumes(1);
        var loop = new OrchestratedTaskLoop(_orchestration.Object, Start with { Generation = 3 });

        await TaskLoop.RunAsync(loop);

        Assert.Equal(3, loop.Run.Generation);
        _orchestration.Verify(o => o.ExecuteStepAsync(It.Is<TaskRun>(r => r.Generation != 3)), Times.Never);
    }

    [Fact]
    public async Task A_run_broken_after_a_timer_is_marked_failed_and_the_resumed_run_waits_on_no_stale_timer()
    {
        var failure = new FailureDetails("Azure.RequestFailedException", "Service unavailable");
        Steps(new StepReport(StepRunKind.StepCompleted, NextDelay: TimeSpan.FromSeconds(5)), StepReport.BrokenRun(failure), new StepReport(StepRunKind.TaskSucceeded));
        Resumes(2);
        _orchestration.Setup(o => o.FailRunAsync(It.IsAny<BrokenRun>())).Returns(Task.CompletedTask).Callback(() => _calls.Add("fail-run"));

        var outcome = await OrchestratedTaskLoop.RunAsync(_orchestration.Object, Start);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(new[] { "step g1", "timer 5s", "step g1", "fail-run", "wait 30d", "step g2" }, _calls);
    }

    [Fact]
    public async Task An_external_steps_timeout_ends_the_wait_and_the_next_activity_records_it()
    {
        Steps(new StepReport(StepRunKind.Waiting, NextDelay: TimeSpan.FromSeconds(30)), new StepReport(StepRunKind.StepFailed));
        Resumes(null, null);

        var outcome = await OrchestratedTaskLoop.RunAsync(_orchestration.Object, Start);

        Assert.Equal(StepRunKind.StepFailed, outcome);
        Assert.Equal(new[] { "step g1", $"wait {TimeSpan.FromSeconds(30).TotalDays}d", "step g1", "wait 30d" }, _calls);
    }
}
