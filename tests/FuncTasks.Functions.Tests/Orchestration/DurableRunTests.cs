using FuncTasks.Core;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using FuncTasks.Functions.Tests.Support;
using Moq;

namespace FuncTasks.Functions.Tests.Orchestration;

/// <summary>
/// A whole task run as the Durable orchestrator drives it, with Durable replaced by an in-process
/// <see cref="ITaskOrchestration"/>: activities are direct calls, the timer is recorded, and the resume event is
/// raised by what the runner's ScheduleAsync receives from Core's commands (retry, restart, completion).
/// </summary>
public sealed class DurableRunTests : IDisposable
{
    private readonly CheckStepAction _check = new();
    private readonly Engine _engine;

    public DurableRunTests() => _engine = new Engine(_check);

    public void Dispose() => _engine.Dispose();

    private static (string, ParamValue) Value(long v) => ("value", ParamValue.Of(v));

    [Fact]
    public async Task Restart_failed_step_resumes_the_failed_step_with_the_new_parameters_and_the_run_carries_on()
    {
        var task = await _engine.CreateAsync(
            Engine.Step("first", "check", Value(1)),
            Engine.Step("flaky", "check", Value(-5)),
            Engine.Step("pause", "delay", ("seconds", ParamValue.Of(120L))),
            Engine.Step("last", "check", Value(3)));
        var id = task.Task.Id;
        var orchestration = new InProcessOrchestration(_engine, async () =>
        {
            // The operator corrects the failed step; the command hands the new generation to the runner.
            await _engine.Get<RestartFailedStepHandler>().HandleAsync(
                new RestartFailedStep(TaskIds.StepId(id, 1), new Dictionary<string, ParamValue> { ["value"] = ParamValue.Of(5L) }), CancellationToken.None);
        });

        var outcome = await OrchestratedTaskLoop.RunAsync(orchestration, new TaskRun(id, 1, TimeSpan.FromDays(30)));

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(new long[] { 1, -5, 5, 3 }, _check.Seen);
        // The durable timer ends half of DelayInActivity (4 s) early; the activity after it waits the rest, never less in all.
        Assert.Equal(new[] { TimeSpan.FromSeconds(118) }, orchestration.Timers);
        var pause = _engine.Tasks.Snapshot(id).Steps[2];
        Assert.True(pause.CompletedAt - pause.StartedAt >= TimeSpan.FromSeconds(120), $"The delay step took {pause.CompletedAt - pause.StartedAt}");
        Assert.Equal(1, orchestration.Resumes);
        var done = _engine.Tasks.Snapshot(id);
        Assert.Equal(TaskState.Succeeded, done.Task.Status);
        Assert.All(done.Steps, s => Assert.Equal(StepState.Completed, s.Status));
        Assert.Equal(5, done.Steps[1].Params.GetLong("value"));
        Assert.Equal(new[] { StepState.Failed, StepState.Completed }, done.AttemptsOf(1).Select(a => a.Outcome));
    }

    [Fact]
    public async Task An_external_step_waits_for_its_completion_and_the_run_continues_after_it()
    {
        var task = await _engine.CreateAsync(Engine.Step("approve", "external"), Engine.Step("last", "check", Value(3)));
        var id = task.Task.Id;
        var orchestration = new InProcessOrchestration(_engine, async () =>
            await _engine.Get<CompleteExternalStepHandler>().HandleAsync(
                new CompleteExternalStep(TaskIds.StepId(id, 0), null, "approved"), CancellationToken.None));

        var outcome = await OrchestratedTaskLoop.RunAsync(orchestration, new TaskRun(id, 1, TimeSpan.FromDays(30)));

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(1, orchestration.Resumes);
        Assert.Equal(new long[] { 3 }, _check.Seen);
        Assert.Equal("approved", _engine.Tasks.Snapshot(id).Steps[0].Output);
    }

    [Fact]
    public async Task Cancel_while_the_run_waits_terminates_it_and_nothing_runs_after()
    {
        var task = await _engine.CreateAsync(Engine.Step("approve", "external"), Engine.Step("last", "check", Value(3)));
        var id = task.Task.Id;
        var orchestration = new InProcessOrchestration(_engine, async () =>
            await _engine.Get<CancelTaskHandler>().HandleAsync(id, CancellationToken.None));

        var outcome = await OrchestratedTaskLoop.RunAsync(orchestration, new TaskRun(id, 1, TimeSpan.FromDays(30)));

        // Terminate ends the instance: the wait never returns a generation.
        Assert.Equal(StepRunKind.Waiting, outcome);
        Assert.Equal(0, orchestration.Resumes);
        Assert.Empty(_check.Seen);
        _engine.Runner.Verify(r => r.CancelAsync(id, It.IsAny<CancellationToken>()), Times.Once);
        var cancelled = _engine.Tasks.Snapshot(id);
        Assert.Equal(TaskState.Cancelled, cancelled.Task.Status);
        Assert.Equal(StepState.Cancelled, cancelled.Steps[1].Status);
    }

    /// <summary>
    /// Durable stand-in: activities run in process; <c>resume</c> is raised when a command schedules the task
    /// again (as DurableTaskRunner does for a waiting instance); a cancel terminates the instance.
    /// </summary>
    private sealed class InProcessOrchestration : ITaskOrchestration
    {
        private readonly Engine _engine;
        private readonly Func<Task> _operatorActsWhileWaiting;
        private readonly Queue<int> _raised = new();
        private bool _terminated;

        public InProcessOrchestration(Engine engine, Func<Task> operatorActsWhileWaiting)
        {
            _engine = engine;
            _operatorActsWhileWaiting = operatorActsWhileWaiting;
            engine.Runner.Setup(r => r.ScheduleAsync(It.IsAny<Guid>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
                .Callback((Guid _, int generation, CancellationToken _) => _raised.Enqueue(generation))
                .Returns(Task.CompletedTask);
            engine.Runner.Setup(r => r.CancelAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()))
                .Callback(() => _terminated = true)
                .Returns(Task.CompletedTask);
        }

        public List<TimeSpan> Timers { get; } = [];

        public int Resumes { get; private set; }

        /// <summary>
        /// Runs the activity; it waits the end of a delay step itself (<see cref="OrchestrationOptions.DelayInActivity"/>) on
        /// the fake clock, which is moved on a tick at a time meanwhile.
        /// </summary>
        public async Task<StepReport> ExecuteStepAsync(TaskRun run)
        {
            var running = _engine.Activities.ExecuteStepAsync(run, CancellationToken.None);
            await Eventually.Until(
                () =>
                {
                    if (!running.IsCompleted)
                    {
                        _engine.Time.Advance(TimeSpan.FromMilliseconds(100));
                    }

                    return running.IsCompleted;
                },
                "the activity completes",
                every: TimeSpan.FromMilliseconds(5));
            return await running;
        }

        public Task FailRunAsync(BrokenRun run) => _engine.Activities.FailRunAsync(run, CancellationToken.None);

        public Task DelayAsync(TimeSpan delay)
        {
            Timers.Add(delay);
            _engine.Time.Advance(delay);
            return Task.CompletedTask;
        }

        public async Task<int?> WaitForResumeAsync(TimeSpan timeout)
        {
            _raised.Clear(); // the start of the run was scheduled too; only what happens during the wait counts
            await _operatorActsWhileWaiting();
            if (_terminated || !_raised.TryDequeue(out var generation))
            {
                return null;
            }

            Resumes++;
            return generation;
        }
    }
}
