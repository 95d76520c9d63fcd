using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace FuncTasks.Core.Tests.Engine;

public sealed class StepExecutorRetryTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Mock<ITaskStore> _store = new(MockBehavior.Strict);
    private readonly Mock<IStepAction> _action = new();
    private readonly List<TaskUpdate> _saved = [];
    private TaskSnapshot _current = null!;
    private int _calls;

    public StepExecutorRetryTests()
    {
        _action.SetupGet(a => a.Name).Returns("work");
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()))
            .Returns(() => ++_calls < 3 ? throw new InvalidOperationException($"flaky {_calls}") : Task.FromResult(StepResult.Completed()));
        _store.Setup(s => s.GetAsync(It.IsAny<Guid>(), false, It.IsAny<CancellationToken>())).ReturnsAsync(() => _current);
        _store.Setup(s => s.SaveAsync(It.IsAny<TaskSnapshot>(), It.IsAny<TaskUpdate>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskSnapshot snapshot, TaskUpdate update, CancellationToken _) =>
            {
                _saved.Add(update);
                _current = snapshot.With(update.Task, update.Steps) with { Attempts = [.. snapshot.Attempts, .. update.NewAttempts ?? []] };
                return _current;
            });
    }

    private StepExecutor Executor(RetryOptions? defaults = null)
    {
        var options = new EngineOptions();
        if (defaults is not null)
        {
            options.Retry = defaults;
        }

        return new(_store.Object, new StepActionRegistry([_action.Object]), new RunningSteps(), _time, Options.Create(options), NullLogger<StepExecutor>.Instance);
    }

    private Guid Given(StepRetryPolicy? stepPolicy, StepRetryPolicy? taskPolicy = null)
    {
        var id = TaskIds.NewTaskId(_time);
        var task = new TaskRecord
        {
            Id = id, Name = "t", Type = "T", Status = TaskState.InProgress, CreatedAt = _time.GetUtcNow(), StepCount = 1, Generation = 1, ETag = "t0",
            Retry = taskPolicy,
        };
        TaskStep step = new()
        {
            TaskId = id, Index = 0, Name = "s0", Action = "work", Params = new Dictionary<string, ParamValue>(), Status = StepState.Pending,
            CreatedAt = _time.GetUtcNow(), ETag = "s0", Retry = stepPolicy,
        };
        _current = new TaskSnapshot(task, [step], []);
        return id;
    }

    private static StepRetryPolicy Three => new() { MaxAttempts = 3, IntervalSeconds = 10, BackoffRate = 2, MaxIntervalSeconds = 60 };

    [Fact]
    public async Task A_transient_failure_with_attempts_left_leaves_the_step_waiting_for_its_next_attempt_and_the_task_in_progress()
    {
        var id = Given(Three);

        var outcome = await Executor().RunNextStepAsync(id, 1, null, CancellationToken.None);

        Assert.Equal(StepRunKind.DelayPending, outcome.Kind);
        Assert.InRange(outcome.DelayLeft!.Value, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
        var step = _current.Steps[0];
        Assert.True(step.IsWaitingToRetry);
        Assert.Equal(1, step.FailedAttempts);
        Assert.Equal(_time.GetUtcNow() + outcome.DelayLeft.Value, step.NextAttemptAt);
        Assert.Equal("flaky 1", step.Error!.Message);
        Assert.Equal(TaskState.InProgress, _current.Task.Status);
        Assert.Equal(StepState.Failed, Assert.Single(_current.Attempts).Outcome);
    }

    [Fact]
    public async Task Before_the_attempt_is_due_nothing_runs_then_the_next_attempt_is_claimed_and_the_third_succeeds()
    {
        var id = Given(Three);
        var executor = Executor();
        var first = await executor.RunNextStepAsync(id, 1, null, CancellationToken.None);

        _time.Advance(first.DelayLeft!.Value - TimeSpan.FromSeconds(1));
        var early = await executor.RunNextStepAsync(id, 1, null, CancellationToken.None);
        Assert.Equal(StepRunKind.DelayPending, early.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), early.DelayLeft);
        var chained = await executor.RunNextStepChainedAsync(id, 1, null, CancellationToken.None);
        Assert.Equal((StepRunKind.DelayPending, TimeSpan.FromSeconds(1)), (chained.Kind, chained.DelayLeft));
        Assert.Equal(1, _calls);

        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await executor.RunNextStepAsync(id, 1, null, CancellationToken.None);
        Assert.Equal(StepRunKind.DelayPending, second.Kind);
        Assert.InRange(second.DelayLeft!.Value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(24));

        _time.Advance(second.DelayLeft.Value);
        var third = await executor.RunNextStepAsync(id, 1, null, CancellationToken.None);

        Assert.Equal(StepRunKind.TaskSucceeded, third.Kind);
        Assert.Equal(3, _calls);
        Assert.Equal([StepState.Failed, StepState.Failed, StepState.Completed], _current.Attempts.Select(a => a.Outcome));
        Assert.Null(_current.Steps[0].NextAttemptAt);
    }

    [Fact]
    public async Task Exhausted_attempts_fail_the_task_saying_how_many_and_a_new_set_starts_from_zero()
    {
        var id = Given(new StepRetryPolicy { MaxAttempts = 2, IntervalSeconds = 0 });
        var executor = Executor();

        Assert.Equal(StepRunKind.DelayPending, (await executor.RunNextStepAsync(id, 1, null, CancellationToken.None)).Kind);
        var last = await executor.RunNextStepAsync(id, 1, null, CancellationToken.None);

        Assert.Equal(StepRunKind.StepFailed, last.Kind);
        Assert.Equal(TaskState.Failed, _current.Task.Status);
        Assert.Contains("failed after 2 attempts: flaky 2", _current.Task.Error!.Message);
        Assert.Equal(0, _current.Steps[0].FailedAttempts);
        Assert.Null(_current.Steps[0].NextAttemptAt);
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried()
    {
        var id = Given(Three);
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>())).ThrowsAsync(new PermanentStepException("bad input"));

        var outcome = await Executor().RunNextStepAsync(id, 1, null, CancellationToken.None);

        Assert.Equal(StepRunKind.StepFailed, outcome.Kind);
        Assert.DoesNotContain("attempts", _current.Task.Error!.Message);
    }

    [Fact]
    public async Task NonRetryable_narrows_the_classes_retried()
    {
        var id = Given(Three with { NonRetryable = [ErrorClasses.Action] });

        Assert.Equal(StepRunKind.StepFailed, (await Executor().RunNextStepAsync(id, 1, null, CancellationToken.None)).Kind);
    }

    [Fact]
    public async Task The_task_policy_then_the_configured_default_apply_to_a_step_without_its_own()
    {
        var id = Given(null, taskPolicy: Three);
        Assert.Equal(StepRunKind.DelayPending, (await Executor().RunNextStepAsync(id, 1, null, CancellationToken.None)).Kind);

        _calls = 0;
        id = Given(null);
        Assert.Equal(StepRunKind.DelayPending, (await Executor(new RetryOptions { MaxAttempts = 2 }).RunNextStepAsync(id, 1, null, CancellationToken.None)).Kind);

        _calls = 0;
        id = Given(null);
        Assert.Equal(StepRunKind.StepFailed, (await Executor().RunNextStepAsync(id, 1, null, CancellationToken.None)).Kind);
    }

    [Fact]
    public async Task TimeoutSeconds_cancels_the_attempt_through_its_token_and_fails_it_as_a_retryable_timeout()
    {
        var id = Given(Three);
        _current = _current with { Steps = [_current.Steps[0] with { TimeoutSeconds = 1 }] };
        var entered = new TaskCompletionSource();
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()))
            .Returns(async (StepContext _, CancellationToken ct) =>
            {
                entered.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return StepResult.Completed();
            });

        var run = Executor().RunNextStepAsync(id, 1, null, CancellationToken.None);
        await entered.Task;
        _time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await run;

        Assert.Equal(StepRunKind.DelayPending, outcome.Kind);
        Assert.Equal(typeof(StepTimeoutException).FullName, _current.Steps[0].Error!.ErrorType);
        Assert.Contains("within 1 s", _current.Steps[0].Error!.Message);
    }
}
