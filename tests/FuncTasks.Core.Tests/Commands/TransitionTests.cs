using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;
using Moq;

namespace FuncTasks.Core.Tests.Commands;

public sealed class TransitionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static TaskSnapshot Snapshot(TaskState task, params StepState[] steps)
    {
        var id = TaskIds.NewTaskId(TimeProvider.System);
        return new TaskSnapshot(
            new TaskRecord { Id = id, Name = "t", Type = "T", Status = task, CreatedAt = Now, StepCount = steps.Length, Generation = 4, Error = task == TaskState.Failed ? new FailureDetails("E", "boom") : null },
            steps.Select((s, i) => new TaskStep
            {
                TaskId = id, Index = i, Name = $"s{i}", Action = "delay", Status = s, CreatedAt = Now,
                Params = new Dictionary<string, ParamValue> { ["seconds"] = ParamValue.Of(1L), ["keep"] = ParamValue.Of("me") },
                Error = s == StepState.Failed ? new FailureDetails("E", "boom") : null,
            }).ToList(),
            []);
    }

    [Theory]
    [InlineData(TaskState.Created)]
    [InlineData(TaskState.InProgress)]
    [InlineData(TaskState.Succeeded)]
    [InlineData(TaskState.Cancelled)]
    public void Only_a_failed_task_can_be_retried(TaskState state)
    {
        var error = Assert.Throws<TaskConflictException>(() => RetryTaskHandler.Retry(Snapshot(state, StepState.Completed), Now));

        Assert.Equal(ConflictKind.RetryNotAllowed, error.Kind);
        Assert.Equal(state.ToString(), error.ActualStatus);
    }

    [Fact]
    public void Retry_resets_the_failed_step_keeps_completed_ones_and_starts_a_new_generation()
    {
        var update = RetryTaskHandler.Retry(Snapshot(TaskState.Failed, StepState.Completed, StepState.Failed, StepState.Pending), Now);

        Assert.Equal((TaskState.InProgress, 5), (update.Task!.Status, update.Task.Generation));
        Assert.Null(update.Task.Error);
        var step = Assert.Single(update.Steps!);
        Assert.Equal((1, StepState.Pending), (step.Index, step.Status));
        Assert.Null(step.Error);
    }

    [Theory]
    [InlineData(TaskState.Created)]
    [InlineData(TaskState.Failed)]
    [InlineData(TaskState.Succeeded)]
    [InlineData(TaskState.Cancelled)]
    public void Only_an_in_progress_task_can_be_cancelled(TaskState state)
    {
        var error = Assert.Throws<TaskConflictException>(() => CancelTaskHandler.Cancel(Snapshot(state, StepState.Pending), Now));

        Assert.Equal(ConflictKind.CancelNotAllowed, error.Kind);
    }

    [Fact]
    public void Cancel_marks_the_task_and_every_unfinished_step_cancelled_but_leaves_completed_steps()
    {
        var update = CancelTaskHandler.Cancel(Snapshot(TaskState.InProgress, StepState.Completed, StepState.Started, StepState.Pending), Now);

        Assert.Equal(TaskState.Cancelled, update.Task!.Status);
        Assert.Equal(Now, update.Task.CompletedAt);
        Assert.Equal([1, 2], update.Steps!.Select(s => s.Index));
        Assert.All(update.Steps!, s => Assert.Equal(StepState.Cancelled, s.Status));
    }

    [Theory]
    [InlineData(StepState.Pending)]
    [InlineData(StepState.Started)]
    [InlineData(StepState.Completed)]
    [InlineData(StepState.Cancelled)]
    public void Only_a_failed_step_can_be_restarted_and_the_error_says_its_status(StepState state)
    {
        var error = Assert.Throws<TaskConflictException>(() =>
            RestartFailedStepHandler.Restart(Snapshot(TaskState.Failed, state), 0, new Dictionary<string, ParamValue>(), Now, Validation()));

        Assert.Equal(ConflictKind.RestartNotAllowed, error.Kind);
        Assert.Contains(state.ToString().ToUpperInvariant(), error.Message);
    }

    [Fact]
    public void Restart_merges_new_parameters_into_the_failed_step_and_sets_it_started()
    {
        var update = RestartFailedStepHandler.Restart(Snapshot(TaskState.Failed, StepState.Completed, StepState.Failed), 1,
            new Dictionary<string, ParamValue> { ["seconds"] = ParamValue.Of(0.25) }, Now, Validation());

        var step = Assert.Single(update.Steps!);
        Assert.Equal(StepState.Started, step.Status);
        Assert.Null(step.ActiveAttempt);
        Assert.Equal(0.25, step.Params["seconds"].DoubleValue);
        Assert.Equal("me", step.Params["keep"].StrValue);
        Assert.Equal(TaskState.InProgress, update.Task!.Status);
    }

    [Fact]
    public void Restart_with_a_value_that_does_not_fit_the_action_is_refused()
    {
        var error = Assert.Throws<InvalidRequestException>(() =>
            RestartFailedStepHandler.Restart(Snapshot(TaskState.Failed, StepState.Failed), 0,
                new Dictionary<string, ParamValue> { ["seconds"] = ParamValue.Of("soon") }, Now, Validation()));

        Assert.Contains("'seconds' must be LONG or DOUBLE", error.Message);
    }

    [Fact]
    public void Completing_the_last_external_step_succeeds_the_task_and_records_the_attempt()
    {
        var snapshot = Snapshot(TaskState.InProgress, StepState.Completed, StepState.Started);
        snapshot = snapshot with { Steps = [snapshot.Steps[0], snapshot.Steps[1] with { Action = "external", AttemptCount = 1, ActiveAttempt = 1 }] };

        var update = CompleteExternalStepHandler.Complete(snapshot, 1, new CompleteExternalStep(snapshot.Steps[1].Id, null, "ok"), Now);

        Assert.Equal(TaskState.Succeeded, update.Task!.Status);
        Assert.Equal(StepState.Completed, update.Steps![0].Status);
        Assert.Equal((1, StepState.Completed), (update.NewAttempts![0].Number, update.NewAttempts[0].Outcome));
    }

    private static TaskValidation Validation() => new(
        new StepActionRegistry([new Actions.DelayStepAction(TimeProvider.System), new Actions.ExternalStepAction()]),
        Options.Create(new EngineOptions()));
}
