using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Tests.Model;

public sealed class TaskAuditTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static TaskSnapshot Snapshot(TaskState task, params StepState[] steps)
    {
        var id = TaskIds.NewTaskId(TimeProvider.System);
        return new TaskSnapshot(
            new TaskRecord
            {
                Id = id, Name = "t", Type = "T", Status = task, CreatedAt = Now.AddMinutes(-1), StepCount = steps.Length, Generation = 2,
                CreatedBy = "ci", Error = task == TaskState.Failed ? new FailureDetails("E", "boom") : null, FailedStepIndex = task == TaskState.Failed ? 1 : null,
            },
            steps.Select((s, i) => new TaskStep
            {
                TaskId = id, Index = i, Name = $"s{i}", Action = "external", Status = s, CreatedAt = Now, AttemptCount = s == StepState.Pending ? 0 : 1,
                ActiveAttempt = s == StepState.Started ? 1 : null,
                Params = new Dictionary<string, ParamValue> { ["url"] = ParamValue.Of("http://127.0.0.1:1/a"), ["keep"] = ParamValue.Of(1L) },
                Error = s == StepState.Failed ? new FailureDetails("E", "boom") : null,
            }).ToList(),
            []);
    }

    private static TaskValidation Validation() => new(
        new StepActionRegistry([new Actions.DelayStepAction(TimeProvider.System), new Actions.ExternalStepAction()]),
        Microsoft.Extensions.Options.Options.Create(new EngineOptions()));

    private static IReadOnlyList<TaskEvent> Derive(TaskSnapshot current, TaskUpdate update, string actor = "ops") =>
        TaskAudit.Derive(current, update, actor, Now);

    [Fact]
    public void A_restart_records_the_task_resumed_then_the_changed_parameter_with_its_new_value_then_the_step_restarted()
    {
        var current = Snapshot(TaskState.Failed, StepState.Completed, StepState.Failed);
        var update = RestartFailedStepHandler.Restart(current, 1, new Dictionary<string, ParamValue>
        {
            ["url"] = ParamValue.Of("http://127.0.0.1:1/fixed"),
            ["keep"] = ParamValue.Of(1L),
        }, Now, Validation());

        var events = Derive(current, update, "b");

        Assert.Equal([TaskEventKind.TaskStatusChanged, TaskEventKind.StepParamsChanged, TaskEventKind.StepStatusChanged], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(("b", "restart-failed-step", Now), (e.Actor, e.Operation, e.At)));
        Assert.Equal((TaskState.Failed, TaskState.InProgress), (events[0].TaskFrom, events[0].TaskTo));
        var changed = events[1];
        Assert.Equal((1, "s1"), (changed.StepIndex, changed.StepName));
        var param = Assert.Single(changed.Params!);
        Assert.Equal(("url", ParamValue.Of("http://127.0.0.1:1/fixed")), (param.Key, param.Value));
        Assert.Equal((StepState.Failed, StepState.Started), (events[2].StepFrom, events[2].StepTo));
        Assert.Contains("restarted", events[2].Message);
    }

    [Fact]
    public void A_failure_records_the_step_before_the_task_with_the_error_message()
    {
        var current = Snapshot(TaskState.InProgress, StepState.Completed, StepState.Started);
        var error = new FailureDetails("Http", "GET answered 500: database is down");
        var update = new TaskUpdate(
            current.Task with { Status = TaskState.Failed, Error = error, FailedStepIndex = 1 },
            [current.Steps[1] with { Status = StepState.Failed, ActiveAttempt = null, Error = error }]) { Actor = TaskActor.Engine, Operation = "run" };

        var events = Derive(current, update, TaskActor.Engine);

        Assert.Equal([TaskEventKind.StepStatusChanged, TaskEventKind.TaskStatusChanged], events.Select(e => e.Kind));
        Assert.Contains("database is down", events[0].Message);
        Assert.Contains("database is down", events[1].Message);
        Assert.Equal((TaskState.InProgress, TaskState.Failed), (events[1].TaskFrom, events[1].TaskTo));
    }

    [Fact]
    public void Retry_and_cancel_name_their_operation()
    {
        var failed = Snapshot(TaskState.Failed, StepState.Completed, StepState.Failed);
        var retry = Derive(failed, RetryTaskHandler.Retry(failed, Now));
        Assert.All(retry, e => Assert.Equal("retry", e.Operation));
        Assert.Equal([(TaskEventKind.TaskStatusChanged, "Failed", "InProgress"), (TaskEventKind.StepStatusChanged, "Failed", "Pending")],
            retry.Select(e => (e.Kind, e.From, e.To)));

        var running = Snapshot(TaskState.InProgress, StepState.Completed, StepState.Started, StepState.Pending);
        var cancel = Derive(running, CancelTaskHandler.Cancel(running, Now));
        Assert.All(cancel, e => Assert.Equal("cancel", e.Operation));
        Assert.Equal([1, 2, null], cancel.Select(e => e.StepIndex));
        Assert.Equal(TaskState.Cancelled, cancel[^1].TaskTo);
    }

    [Fact]
    public void A_new_attempt_of_a_step_that_was_interrupted_is_a_change_even_though_the_status_stays_started()
    {
        var current = Snapshot(TaskState.InProgress, StepState.Started);
        var update = new TaskUpdate(current.Task, [current.Steps[0] with { AttemptCount = 2, ActiveAttempt = 2 }]);

        var started = Assert.Single(Derive(current, update, TaskActor.Engine));

        Assert.Equal((StepState.Started, StepState.Started), (started.StepFrom, started.StepTo));
        Assert.Contains("attempt 1 was interrupted", started.Message);
    }

    [Fact]
    public void Nothing_that_changes_no_state_is_recorded()
    {
        var current = Snapshot(TaskState.InProgress, StepState.Started);

        Assert.Empty(Derive(current, new TaskUpdate()));
        Assert.Empty(Derive(current, new TaskUpdate(current.Task with { UpdatedAt = Now, StartedAt = Now })));
        Assert.Empty(Derive(current, new TaskUpdate(NewAttempts: [new StepAttempt
        {
            TaskId = current.Task.Id, StepIndex = 0, Number = 1, StartedAt = Now, FinishedAt = Now, Params = StepParams.Empty, Outcome = StepState.Cancelled,
        }])));
        Assert.Empty(Derive(current, new TaskUpdate { DeletesTask = true }));
    }

    [Fact]
    public void Dialect_data_changes_name_the_changed_fields_and_a_progress_report_its_value()
    {
        var current = Snapshot(TaskState.InProgress, StepState.Started);
        current = current with { Task = current.Task with { Extensions = """{"info":"a","progress":10,"ackedBy":"x"}""", Progress = 10 } };
        var update = new TaskUpdate(current.Task with { Extensions = """{"info":"b","progress":50,"ackedBy":"x"}""", Progress = 50 }) { Operation = "ack" };

        var updated = Assert.Single(Derive(current, update));

        Assert.Equal(TaskEventKind.TaskUpdated, updated.Kind);
        Assert.Equal(["progress", "info"], updated.Fields);
        Assert.Contains("progress 50", updated.Message);
    }

    [Fact]
    public void Steps_added_removed_or_replaced_in_a_plan_are_recorded_by_name()
    {
        var current = Snapshot(TaskState.Created, StepState.Pending, StepState.Pending);
        var replaced = current.Steps[0] with { Name = "other", Action = "delay" };
        var added = current.Steps[1] with { Index = 2, Name = "new" };
        var update = new TaskUpdate(current.Task with { StepCount = 2 }, [replaced]) { AddedSteps = [added], RemovedSteps = [1] };

        var events = Derive(current, update);

        Assert.Equal([(TaskEventKind.StepReplaced, 0), (TaskEventKind.StepAdded, 2), (TaskEventKind.StepRemoved, 1)], events.Select(e => (e.Kind, e.StepIndex!.Value)));
        Assert.Contains("'s0' (external) replaced by 'other' (delay)", events[0].Message);
        Assert.Equal("s1", events[2].StepName);
    }

    [Fact]
    public void The_trail_starts_with_the_creation_from_the_task_row_and_numbers_every_event_in_write_order()
    {
        var task = Snapshot(TaskState.Succeeded).Task with { Origin = "jobs" };
        var first = new TaskEvent { At = Now, Actor = "engine", Kind = TaskEventKind.StepStatusChanged, From = "Pending", To = "Started" };
        var second = first with { From = "Started", To = "Completed" };
        var third = first with { Kind = TaskEventKind.TaskStatusChanged, From = "InProgress", To = "Succeeded" };

        var trail = TaskAudit.Trail(task, [[first], [second, third]]);

        Assert.Equal([1, 2, 3, 4], trail.Select(e => e.Sequence));
        Assert.Equal((TaskEventKind.TaskCreated, "ci", task.CreatedAt, "create"), (trail[0].Kind, trail[0].Actor, trail[0].At, trail[0].Operation));
        Assert.Contains("(jobs)", trail[0].Message);
        Assert.Equal(["Started", "Completed", "Succeeded"], trail.Skip(1).Select(e => e.To));
    }

    [Fact]
    public void A_write_too_large_for_one_row_keeps_parameter_names_or_counts_what_it_left_out()
    {
        var events = Enumerable.Range(0, 5).Select(i => new TaskEvent
        {
            At = Now, Actor = "ops", Kind = TaskEventKind.StepParamsChanged, StepIndex = i,
            Params = new Dictionary<string, ParamValue?> { ["body"] = ParamValue.Of(new string('x', 10)) },
        }).ToList();

        var names = TaskAudit.WithoutParamValues(events);
        Assert.All(names, e => Assert.Equal(("body", (ParamValue?)null), (e.Params!.Single().Key, e.Params!.Single().Value)));

        var truncated = TaskAudit.Truncated(events, 2);
        Assert.Equal(3, truncated.Count);
        Assert.Contains("3 more changes", truncated[^1].Message);
    }

    [Fact]
    public void The_flow_actor_applies_only_when_a_write_names_none_and_the_scope_restores_the_previous_one()
    {
        Assert.Equal(TaskActor.System, TaskActor.Resolve(null));
        using (TaskActor.Begin("ci"))
        {
            Assert.Equal("ci", TaskActor.Resolve(null));
            Assert.Equal(TaskActor.Engine, TaskActor.Resolve(TaskActor.Engine));
        }

        Assert.Null(TaskActor.Current);
    }
}
