using FuncTasks.Core.Actions;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace FuncTasks.Core.Tests.Engine;

/// <summary>
/// The one orchestration loop shared by the queue runner and the Durable orchestrator: first against a mocked
/// <see cref="ITaskLoopContext"/>, then driving Core's real engine and commands over a mocked store.
/// </summary>
public sealed class TaskLoopTests
{
    private readonly Mock<ITaskLoopContext> _context = new(MockBehavior.Strict);

    private void Steps(params StepRunKind[] outcomes)
    {
        var queue = new Queue<StepRunKind>(outcomes);
        _context.Setup(c => c.RunNextStepAsync()).ReturnsAsync(() => queue.Dequeue());
    }

    [Fact]
    public async Task Runs_steps_until_the_task_succeeds_without_waiting()
    {
        Steps(StepRunKind.StepCompleted, StepRunKind.StepCompleted, StepRunKind.TaskSucceeded);

        var outcome = await TaskLoop.RunAsync(_context.Object);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        _context.Verify(c => c.RunNextStepAsync(), Times.Exactly(3));
        _context.Verify(c => c.WaitForResumeAsync(It.IsAny<StepRunKind>()), Times.Never);
    }

    [Fact]
    public async Task A_failed_step_waits_and_a_resume_runs_it_again_then_carries_on()
    {
        Steps(StepRunKind.StepCompleted, StepRunKind.StepFailed, StepRunKind.StepCompleted, StepRunKind.TaskSucceeded);
        _context.Setup(c => c.WaitForResumeAsync(StepRunKind.StepFailed)).ReturnsAsync(true);

        var outcome = await TaskLoop.RunAsync(_context.Object);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        _context.Verify(c => c.WaitForResumeAsync(StepRunKind.StepFailed), Times.Once);
        _context.Verify(c => c.RunNextStepAsync(), Times.Exactly(4));
    }

    [Fact]
    public async Task A_wait_that_ends_without_resume_ends_the_loop_with_the_reason()
    {
        Steps(StepRunKind.StepFailed);
        _context.Setup(c => c.WaitForResumeAsync(StepRunKind.StepFailed)).ReturnsAsync(false);

        var outcome = await TaskLoop.RunAsync(_context.Object);

        Assert.Equal(StepRunKind.StepFailed, outcome);
        _context.Verify(c => c.RunNextStepAsync(), Times.Once);
    }

    [Fact]
    public async Task An_external_step_waits_for_its_completion_then_the_task_continues()
    {
        Steps(StepRunKind.Waiting, StepRunKind.TaskSucceeded);
        _context.Setup(c => c.WaitForResumeAsync(StepRunKind.Waiting)).ReturnsAsync(true);

        var outcome = await TaskLoop.RunAsync(_context.Object);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        _context.Verify(c => c.WaitForResumeAsync(StepRunKind.Waiting), Times.Once);
    }

    [Theory]
    [InlineData(StepRunKind.Cancelled)]
    [InlineData(StepRunKind.NothingToDo)]
    [InlineData(StepRunKind.Interrupted)]
    public async Task A_cancelled_stale_or_interrupted_run_ends_at_once(StepRunKind kind)
    {
        Steps(kind);

        var outcome = await TaskLoop.RunAsync(_context.Object);

        Assert.Equal(kind, outcome);
        _context.Verify(c => c.WaitForResumeAsync(It.IsAny<StepRunKind>()), Times.Never);
    }

    [Fact]
    public async Task Restart_with_new_parameters_during_the_wait_resumes_the_failed_step_with_them_and_the_task_carries_on()
    {
        var engine = new EngineUnderTest();
        var task = await engine.CreateAsync(("first", 1), ("flaky", -5), ("last", 3));
        var flaky = TaskIds.StepId(task.Task.Id, 1);
        _context.Setup(c => c.RunNextStepAsync()).Returns(() => engine.RunNextStepAsync(task.Task.Id));
        _context.Setup(c => c.WaitForResumeAsync(StepRunKind.StepFailed)).Returns(async () =>
        {
            await engine.Restart.HandleAsync(
                new RestartFailedStep(flaky, new Dictionary<string, ParamValue> { ["value"] = ParamValue.Of(5L) }), CancellationToken.None);
            return true;
        });

        var outcome = await TaskLoop.RunAsync(_context.Object);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(new long[] { 1, -5, 5, 3 }, engine.Seen);
        Assert.Equal(TaskState.Succeeded, engine.Current.Task.Status);
        Assert.Equal(5, engine.Current.Steps[1].Params.GetLong("value"));
        Assert.Equal(2, engine.Current.Steps[1].AttemptCount);
        // The restart told the runner to resume the task under its next generation.
        engine.Runner.Verify(r => r.ScheduleAsync(task.Task.Id, 2, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Cancel_during_the_wait_for_an_external_step_ends_the_loop_and_nothing_runs_after()
    {
        var engine = new EngineUnderTest();
        var task = await engine.CreateAsync(("approve", null), ("last", 3));
        _context.Setup(c => c.RunNextStepAsync()).Returns(() => engine.RunNextStepAsync(task.Task.Id));
        _context.Setup(c => c.WaitForResumeAsync(StepRunKind.Waiting)).Returns(async () =>
        {
            await engine.Cancel.HandleAsync(task.Task.Id, CancellationToken.None);
            return false;
        });

        var outcome = await TaskLoop.RunAsync(_context.Object);

        Assert.Equal(StepRunKind.Waiting, outcome);
        Assert.Empty(engine.Seen);
        Assert.Equal(TaskState.Cancelled, engine.Current.Task.Status);
        Assert.All(engine.Current.Steps, s => Assert.Equal(StepState.Cancelled, s.Status));
        engine.Runner.Verify(r => r.CancelAsync(task.Task.Id, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Completing_the_external_step_during_the_wait_lets_the_task_continue()
    {
        var engine = new EngineUnderTest();
        var task = await engine.CreateAsync(("approve", null), ("last", 3));
        _context.Setup(c => c.RunNextStepAsync()).Returns(() => engine.RunNextStepAsync(task.Task.Id));
        _context.Setup(c => c.WaitForResumeAsync(StepRunKind.Waiting)).Returns(async () =>
        {
            await engine.Complete.HandleAsync(
                new CompleteExternalStep(TaskIds.StepId(task.Task.Id, 0), null, "approved"), CancellationToken.None);
            return true;
        });

        var outcome = await TaskLoop.RunAsync(_context.Object);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome);
        Assert.Equal(new long[] { 3 }, engine.Seen);
        Assert.Equal("approved", engine.Current.Steps[0].Output);
        engine.Runner.Verify(r => r.ScheduleAsync(task.Task.Id, 2, It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>
    /// Core's engine and commands over one task held by a mocked store; steps are <c>external</c> (no value) or
    /// <c>check</c>, which fails while its <c>value</c> is negative and records the values it ran with.
    /// </summary>
    private sealed class EngineUnderTest
    {
        private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        private readonly Mock<ITaskStore> _store = new(MockBehavior.Strict);
        private readonly Mock<IStepAction> _check = new();
        private readonly List<long> _seen = [];
        private readonly StepExecutor _executor;
        private readonly TaskValidation _validation;
        private readonly CreateTaskHandler _create;
        private readonly TaskMutation _mutation;

        public EngineUnderTest()
        {
            _store.Setup(s => s.CreateAsync(It.IsAny<TaskRecord>(), It.IsAny<IReadOnlyList<TaskStep>>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((TaskRecord task, IReadOnlyList<TaskStep> steps, CancellationToken _) => Current = new TaskSnapshot(task, steps, []));
            _store.Setup(s => s.GetAsync(It.IsAny<Guid>(), It.IsAny<bool>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => Current);
            _store.Setup(s => s.SaveAsync(It.IsAny<TaskSnapshot>(), It.IsAny<TaskUpdate>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((TaskSnapshot snapshot, TaskUpdate update, CancellationToken _) =>
                    Current = snapshot.With(update.Task, update.Steps) with { Attempts = [.. snapshot.Attempts, .. update.NewAttempts ?? []] });
            _check.SetupGet(a => a.Name).Returns("check");
            _check.Setup(a => a.Validate(It.IsAny<IReadOnlyDictionary<string, ParamValue>>())).Returns(Array.Empty<string>());
            _check.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()))
                .Returns((StepContext step, CancellationToken _) =>
                {
                    var value = step.Params.GetLong("value")!.Value;
                    _seen.Add(value);
                    return value < 0
                        ? Task.FromException<StepResult>(new InvalidOperationException($"value must not be negative, got {value}"))
                        : Task.FromResult(StepResult.Completed());
                });

            var options = Options.Create(new EngineOptions());
            var actions = new StepActionRegistry([_check.Object, new ExternalStepAction()]);
            _executor = new StepExecutor(_store.Object, actions, new RunningSteps(), _time, options, NullLogger<StepExecutor>.Instance);
            _mutation = new TaskMutation(_store.Object, Runner.Object, _time, options, NullLogger<TaskMutation>.Instance);
            _validation = new TaskValidation(actions, options);
            _create = new CreateTaskHandler(_store.Object, _mutation, _validation);
        }

        public Mock<ITaskRunner> Runner { get; } = new();

        public TaskSnapshot Current { get; private set; } = null!;

        public IReadOnlyList<long> Seen => _seen;

        public RestartFailedStepHandler Restart => new(_mutation, _validation);

        public CancelTaskHandler Cancel => new(_mutation);

        public CompleteExternalStepHandler Complete => new(_mutation);

        public Task<TaskSnapshot> CreateAsync(params (string Name, long? Value)[] steps) =>
            _create.HandleAsync(new CreateTask("test task", "TEST", null, steps.Select(s => s.Value is { } v
                ? new NewStep(s.Name, "check", null, new Dictionary<string, ParamValue> { ["value"] = ParamValue.Of(v) })
                : new NewStep(s.Name, ExternalStepAction.ActionName, null, null)).ToList()), CancellationToken.None);

        public async Task<StepRunKind> RunNextStepAsync(Guid taskId) =>
            (await _executor.RunNextStepAsync(taskId, generation: null, known: null, CancellationToken.None)).Kind;
    }
}
