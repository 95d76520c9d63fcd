using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace FuncTasks.Core.Tests.Engine;

public sealed class StepExecutorTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Mock<ITaskStore> _store = new(MockBehavior.Strict);
    private readonly Mock<IStepAction> _action = new();
    private readonly RunningSteps _running = new();
    private readonly List<TaskUpdate> _saved = [];
    private TaskSnapshot _current = null!;

    public StepExecutorTests()
    {
        _action.SetupGet(a => a.Name).Returns("work");
        _store.Setup(s => s.GetAsync(It.IsAny<Guid>(), false, It.IsAny<CancellationToken>())).ReturnsAsync(() => _current);
        _store.Setup(s => s.SaveAsync(It.IsAny<TaskSnapshot>(), It.IsAny<TaskUpdate>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskSnapshot snapshot, TaskUpdate update, CancellationToken _) =>
            {
                _saved.Add(update);
                _current = snapshot.With(update.Task, update.Steps) with { Attempts = [.. snapshot.Attempts, .. update.NewAttempts ?? []] };
                return _current;
            });
    }

    private StepExecutor Executor(TimeSpan? stepTimeout = null) => new(
        _store.Object,
        new StepActionRegistry([_action.Object]),
        _running,
        _time,
        Options.Create(new EngineOptions { StepTimeout = stepTimeout ?? TimeSpan.FromHours(1) }),
        NullLogger<StepExecutor>.Instance);

    private TaskSnapshot Given(int steps, Func<TaskStep, TaskStep>? first = null, int generation = 1)
    {
        var id = TaskIds.NewTaskId(_time);
        var task = new TaskRecord
        {
            Id = id, Name = "t", Type = "T", Status = TaskState.InProgress, CreatedAt = _time.GetUtcNow(), StepCount = steps,
            Generation = generation, ETag = "t0",
        };
        var list = Enumerable.Range(0, steps).Select(i => new TaskStep
        {
            TaskId = id, Index = i, Name = $"s{i}", Action = "work", Params = new Dictionary<string, ParamValue> { ["n"] = ParamValue.Of(i) },
            Status = StepState.Pending, CreatedAt = _time.GetUtcNow(), ETag = $"s{i}",
        }).ToList();
        if (first is not null)
        {
            list[0] = first(list[0]);
        }

        _current = new TaskSnapshot(task, list, []);
        return _current;
    }

    [Fact]
    public async Task Chained_run_completes_a_step_and_claims_the_next_in_one_write_then_runs_it_without_a_read()
    {
        var snapshot = Given(3);
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>())).ReturnsAsync(StepResult.Completed());
        var executor = Executor();

        var first = await executor.RunNextStepChainedAsync(snapshot.Task.Id, 1, null, CancellationToken.None);

        Assert.Equal(StepRunKind.StepCompleted, first.Kind);
        Assert.Equal(1, first.ClaimedStep);
        Assert.Equal(2, _saved.Count); // claim of step 0, then (complete 0 + claim 1)
        var combined = _saved[1];
        Assert.Equal([StepState.Completed, StepState.Started], combined.Steps!.Select(s => s.Status));
        Assert.Equal([0, 1], combined.Steps!.Select(s => s.Index));
        Assert.Equal(1, combined.Steps![1].ActiveAttempt);
        Assert.Equal(1, combined.Task!.CompletedSteps);

        var second = await executor.RunNextStepChainedAsync(snapshot.Task.Id, 1, first, CancellationToken.None);
        var third = await executor.RunNextStepChainedAsync(snapshot.Task.Id, 1, second, CancellationToken.None);

        Assert.Equal(StepRunKind.StepCompleted, second.Kind);
        Assert.Equal(StepRunKind.TaskSucceeded, third.Kind);
        Assert.Null(third.ClaimedStep);
        Assert.Equal(4, _saved.Count); // 3 steps: 4 writes instead of 6
        Assert.Equal(TaskState.Succeeded, _saved[3].Task!.Status);
        Assert.All(_current.Steps, s => Assert.Equal(1, s.AttemptCount));
        Assert.Equal(3, _current.Attempts.Count);
        Assert.DoesNotContain(_current.Attempts, a => a.Outcome != StepState.Completed);
        _store.Verify(s => s.GetAsync(It.IsAny<Guid>(), false, It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>The action blocks until its token is cancelled; the returned task completes once it has started.</summary>
    private TaskCompletionSource RunsUntilCancelled()
    {
        var entered = new TaskCompletionSource();
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()))
            .Returns(async (StepContext _, CancellationToken ct) =>
            {
                entered.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return StepResult.Completed();
            });
        return entered;
    }

    [Fact]
    public async Task Completing_the_last_step_succeeds_the_task_in_the_same_write()
    {
        var snapshot = Given(1);
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>())).ReturnsAsync(StepResult.Completed("done"));

        var outcome = await Executor().RunNextStepAsync(snapshot.Task.Id, 1, null, CancellationToken.None);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome.Kind);
        Assert.Equal(2, _saved.Count);
        var last = _saved[1];
        Assert.Equal(TaskState.Succeeded, last.Task!.Status);
        Assert.Equal(100, last.Task.Progress);
        Assert.Equal(StepState.Completed, last.Steps![0].Status);
        Assert.Equal("done", last.Steps[0].Output);
        Assert.Equal(StepState.Completed, Assert.Single(last.NewAttempts!).Outcome);
    }

    [Fact]
    public async Task A_stale_generation_runs_nothing_and_writes_nothing()
    {
        var snapshot = Given(1, generation: 3);

        var outcome = await Executor().RunNextStepAsync(snapshot.Task.Id, 2, null, CancellationToken.None);

        Assert.Equal(StepRunKind.NothingToDo, outcome.Kind);
        Assert.Empty(_saved);
        _action.Verify(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_lost_claim_race_re_reads_and_runs_the_step_once()
    {
        var snapshot = Given(2);
        var conflicts = 0;
        _store.Setup(s => s.SaveAsync(It.IsAny<TaskSnapshot>(), It.Is<TaskUpdate>(u => u.Steps![0].Status == StepState.Started), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskSnapshot s, TaskUpdate u, CancellationToken _) =>
            {
                if (conflicts++ == 0)
                {
                    throw new ConcurrencyConflictException("stale");
                }

                _saved.Add(u);
                _current = s.With(u.Task, u.Steps);
                return _current;
            });
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>())).ReturnsAsync(StepResult.Completed());

        var outcome = await Executor().RunNextStepAsync(snapshot.Task.Id, 1, snapshot, CancellationToken.None);

        Assert.Equal(StepRunKind.StepCompleted, outcome.Kind);
        Assert.Equal(2, conflicts);
        _store.Verify(s => s.GetAsync(snapshot.Task.Id, false, It.IsAny<CancellationToken>()), Times.Once);
        _action.Verify(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(50, outcome.Snapshot!.Task.Progress);
    }

    [Fact]
    public async Task A_failing_action_fails_step_and_task_with_the_step_named_and_the_real_exception_as_cause()
    {
        var snapshot = Given(2);
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("disk full"));

        var outcome = await Executor().RunNextStepAsync(snapshot.Task.Id, 1, null, CancellationToken.None);

        Assert.Equal(StepRunKind.StepFailed, outcome.Kind);
        var task = outcome.Snapshot!.Task;
        Assert.Equal(TaskState.Failed, task.Status);
        Assert.Equal(0, task.FailedStepIndex);
        Assert.Equal("Step 's0' (work) failed: disk full", task.Error!.Message);
        Assert.False(string.IsNullOrEmpty(task.Error.StackTrace));
        Assert.Equal(typeof(InvalidOperationException).FullName, task.Error.InnerFailure!.ErrorType);
        var step = outcome.Snapshot.Steps[0];
        Assert.Equal(StepState.Failed, step.Status);
        Assert.Null(step.ActiveAttempt);
        Assert.Equal(StepState.Pending, outcome.Snapshot.Steps[1].Status);
        var attempt = Assert.Single(_saved[^1].NewAttempts!);
        Assert.Equal((StepState.Failed, 1, 0L), (attempt.Outcome, attempt.Number, attempt.Params["n"].LongValue!.Value));
    }

    [Fact]
    public async Task A_cancel_signal_reaches_the_running_action_and_ends_the_task_cancelled()
    {
        var snapshot = Given(2);
        var entered = RunsUntilCancelled();

        var run = Executor().RunNextStepAsync(snapshot.Task.Id, 1, null, CancellationToken.None);
        await entered.Task;
        Assert.True(_running.Cancel(snapshot.Task.Id));
        var outcome = await run;

        Assert.Equal(StepRunKind.Cancelled, outcome.Kind);
        Assert.Equal(TaskState.Cancelled, outcome.Snapshot!.Task.Status);
        Assert.Equal(StepState.Cancelled, outcome.Snapshot.Steps[0].Status);
        Assert.Equal(StepState.Cancelled, Assert.Single(_saved[^1].NewAttempts!).Outcome);
        Assert.Equal(0, _running.Count);
    }

    [Fact]
    public async Task Host_shutdown_during_a_step_records_nothing_so_the_step_runs_again_elsewhere()
    {
        var snapshot = Given(1);
        using var stopping = new CancellationTokenSource();
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()))
            .Returns(async (StepContext _, CancellationToken ct) =>
            {
                await stopping.CancelAsync();
                ct.ThrowIfCancellationRequested();
                return StepResult.Completed();
            });

        var outcome = await Executor().RunNextStepAsync(snapshot.Task.Id, 1, null, stopping.Token);

        Assert.Equal(StepRunKind.Interrupted, outcome.Kind);
        Assert.Single(_saved);
        Assert.Equal(StepState.Started, _current.Steps[0].Status);
        Assert.Equal(1, _current.Steps[0].ActiveAttempt);
    }

    [Fact]
    public async Task An_interrupted_attempt_is_recorded_and_the_step_claimed_again()
    {
        var snapshot = Given(1, s => s with { Status = StepState.Started, AttemptCount = 1, ActiveAttempt = 1, StartedAt = _time.GetUtcNow() });
        _action.Setup(a => a.ExecuteAsync(It.Is<StepContext>(c => c.Attempt == 2), It.IsAny<CancellationToken>())).ReturnsAsync(StepResult.Completed());

        var outcome = await Executor().RunNextStepAsync(snapshot.Task.Id, 1, null, CancellationToken.None);

        Assert.Equal(StepRunKind.TaskSucceeded, outcome.Kind);
        var interrupted = Assert.Single(_saved[0].NewAttempts!);
        Assert.Equal((1, StepState.Started), (interrupted.Number, interrupted.Outcome));
        Assert.Equal("FuncTasks.Interrupted", interrupted.Error!.ErrorType);
        Assert.Equal(2, _saved[1].NewAttempts![0].Number);
    }

    [Fact]
    public async Task An_action_that_outlives_the_step_timeout_fails_with_a_timeout()
    {
        var snapshot = Given(1);
        var entered = RunsUntilCancelled();

        var run = Executor(TimeSpan.FromMinutes(5)).RunNextStepAsync(snapshot.Task.Id, 1, null, CancellationToken.None);
        await entered.Task;
        _time.Advance(TimeSpan.FromMinutes(5));
        var outcome = await run;

        Assert.Equal(StepRunKind.StepFailed, outcome.Kind);
        Assert.Equal(typeof(StepTimeoutException).FullName, outcome.Snapshot!.Steps[0].Error!.ErrorType);
        Assert.Contains("300 s", outcome.Snapshot.Steps[0].Error!.Message);
    }

    [Fact]
    public async Task A_started_external_step_keeps_waiting_on_redelivery()
    {
        _action.SetupGet(a => a.Name).Returns("external");
        var snapshot = Given(1, s => s with { Action = "external", Status = StepState.Started, AttemptCount = 1, ActiveAttempt = 1 });

        var outcome = await Executor().RunNextStepAsync(snapshot.Task.Id, 1, null, CancellationToken.None);

        Assert.Equal(StepRunKind.Waiting, outcome.Kind);
        Assert.Empty(_saved);
    }
}
