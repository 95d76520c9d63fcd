using FuncTasks.Core.Model;
using FuncTasks.Core.Notifications;

namespace FuncTasks.Core.Tests.Notifications;

public sealed class NotificationEventsTests
{
    private static readonly Guid TaskId = TaskIds.NewTaskId(TimeProvider.System);
    private static readonly DateTimeOffset At = new(2026, 11, 22, 9, 25, 0, TimeSpan.Zero);

    private static TaskSnapshot Snapshot(TaskState status, string action = "http") => new(
        new TaskRecord { Id = TaskId, Name = "deploy", Type = "SITE_DEPLOY", Status = status, CreatedAt = At, StepCount = 1, CreatedBy = "ci" },
        [new TaskStep { TaskId = TaskId, Index = 0, Name = "notify", Action = action, Params = new Dictionary<string, ParamValue>(), Status = StepState.Failed, CreatedAt = At }],
        []);

    private static TaskEvent Step(int sequence, StepState from, StepState to, string actor = TaskActor.Engine, string? operation = "run", int? attempt = 1) => new()
    {
        Sequence = sequence, At = At, Actor = actor, Operation = operation, Kind = TaskEventKind.StepStatusChanged, StepIndex = 0, StepName = "notify",
        From = from.ToString(), To = to.ToString(), Attempt = attempt,
        Error = to == StepState.Failed ? new FailureDetails("Http", "answered 503") : null,
    };

    private static TaskEvent Task(int sequence, TaskState from, TaskState to, string actor = TaskActor.Engine, string? operation = "run") => new()
    {
        Sequence = sequence, At = At, Actor = actor, Operation = operation, Kind = TaskEventKind.TaskStatusChanged, From = from.ToString(), To = to.ToString(),
        Error = to == TaskState.Failed ? new FailureDetails("FuncTasks.StepFailed", "Step 'notify' failed") : null,
    };

    [Fact]
    public void A_failed_run_then_a_restart_makes_the_catalogue_in_order_with_stable_ids()
    {
        var snapshot = Snapshot(TaskState.InProgress);
        IReadOnlyList<TaskEvent> trail =
        [
            TaskAudit.Created(snapshot.Task) with { Sequence = 1 },
            Step(2, StepState.Pending, StepState.Started),
            Step(3, StepState.Started, StepState.Failed),
            Task(4, TaskState.InProgress, TaskState.Failed),
            Task(5, TaskState.Failed, TaskState.InProgress, "oncall", "restart-failed-step"),
            Step(6, StepState.Failed, StepState.Started, "oncall", "restart-failed-step", attempt: null),
            Step(7, StepState.Started, StepState.Completed, attempt: 2),
            Task(8, TaskState.InProgress, TaskState.Succeeded),
        ];

        var events = NotificationEvents.From(snapshot, trail);
        Assert.Equal(
            ["task.created", "task.started", "step.started", "step.failed", "task.failed", "task.retried", "step.restarted", "step.succeeded", "task.succeeded"],
            events.Select(e => e.Type).ToArray());
        Assert.Equal(events.Select(e => e.Position).Order().ToArray(), events.Select(e => e.Position).ToArray());
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(events.Select(e => e.Id), NotificationEvents.From(snapshot, trail).Select(e => e.Id));

        var failed = events.Single(e => e.Type == "task.failed").Data;
        Assert.Equal("Failed", failed.Status);
        Assert.Equal("FuncTasks.StepFailed", failed.Error!.Type);
        var stepFailed = events.Single(e => e.Type == "step.failed").Data;
        Assert.Equal(TaskIds.StepId(TaskId, 0).ToString(), stepFailed.StepId);
        Assert.Equal(1, stepFailed.Attempt);
        Assert.Equal("answered 503", stepFailed.Error!.Message);
        Assert.Equal("oncall", events.Single(e => e.Type == "step.restarted").Data.Actor);
    }

    [Fact]
    public void An_external_step_that_starts_is_waiting()
    {
        var snapshot = Snapshot(TaskState.InProgress, "external");
        var trail = new[]
        {
            TaskAudit.Created(snapshot.Task) with { Sequence = 1 },
            Step(2, StepState.Pending, StepState.Started),
        };

        Assert.Equal(
            ["task.created", "task.started", "step.started", "step.waiting"],
            NotificationEvents.From(snapshot, trail).Select(e => e.Type).ToArray());
    }

    [Fact]
    public void A_failed_attempt_with_its_next_attempt_scheduled_is_retrying_and_the_exhausted_last_one_failed()
    {
        // The steps as the engine writes them under a retry policy (#15): a failed attempt leaves the step Started,
        // waiting with NextAttemptAt; the next attempt starts it again; the last failed attempt fails it.
        var snapshot = Snapshot(TaskState.InProgress);
        var pending = snapshot.Steps[0] with { Status = StepState.Pending };
        var first = pending with { Status = StepState.Started, AttemptCount = 1, ActiveAttempt = 1, StartedAt = At };
        var waiting = first with { ActiveAttempt = null, Error = new FailureDetails("Http", "answered 503"), FailedAttempts = 1, NextAttemptAt = At.AddSeconds(2) };
        var second = waiting with { AttemptCount = 2, ActiveAttempt = 2, Error = null, NextAttemptAt = null };
        var failed = second with
        {
            Status = StepState.Failed, ActiveAttempt = null, Error = new FailureDetails("Http", "answered 500"), FailedAttempts = 0, CompletedAt = At.AddSeconds(3),
        };

        var writes = new List<IReadOnlyList<TaskEvent>>();
        var steps = new[] { pending, first, waiting, second, failed };
        for (var i = 1; i < steps.Length; i++)
        {
            writes.Add(TaskAudit.Derive(snapshot with { Steps = [steps[i - 1]] }, new TaskUpdate(Steps: [steps[i]]), TaskActor.Engine, At.AddSeconds(i)));
        }

        var events = NotificationEvents.From(snapshot with { Steps = [failed] }, TaskAudit.Trail(snapshot.Task, writes));

        Assert.Equal(["task.created", "task.started", "step.started", "step.retrying", "step.started", "step.failed"], events.Select(e => e.Type).ToArray());
        var retrying = events.Single(e => e.Type == "step.retrying").Data;
        Assert.Equal(1, retrying.Attempt);
        Assert.Equal("Started", retrying.StepStatus);
        Assert.Equal("answered 503", retrying.Error!.Message);
        Assert.StartsWith("Step 'notify' attempt 1 failed; next attempt scheduled for ", retrying.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2], events.Where(e => e.Type == "step.started").Select(e => e.Data.Attempt).ToArray());
        var exhausted = events.Single(e => e.Type == "step.failed").Data;
        Assert.Equal(2, exhausted.Attempt);
        Assert.Equal("answered 500", exhausted.Error!.Message);
    }

    [Fact]
    public void A_task_created_to_wait_for_a_manual_start_starts_when_its_status_leaves_Created()
    {
        var snapshot = Snapshot(TaskState.Created);
        var trail = new[] { TaskAudit.Created(snapshot.Task) with { Sequence = 1 } };
        Assert.Equal(["task.created"], NotificationEvents.From(snapshot, trail).Select(e => e.Type).ToArray());

        var started = trail.Append(Task(2, TaskState.Created, TaskState.InProgress, "ci", "start")).ToArray();
        Assert.Equal(["task.created", "task.started"], NotificationEvents.From(Snapshot(TaskState.InProgress), started).Select(e => e.Type).ToArray());
    }

    [Fact]
    public void Subscriptions_filter_by_type_task_type_and_creation_time()
    {
        var snapshot = Snapshot(TaskState.InProgress);
        var failed = NotificationEvents.From(snapshot, [TaskAudit.Created(snapshot.Task) with { Sequence = 1 }, Task(2, TaskState.InProgress, TaskState.Failed)])
            .Single(e => e.Type == "task.failed");
        var subscription = new Subscription { Id = Guid.NewGuid(), Url = "http://127.0.0.1/h", Secret = WebhookSignature.NewSecret(), CreatedAt = At.AddMinutes(-1) };
        Assert.True(subscription.Wants(failed));
        Assert.True((subscription with { Events = ["task.failed"], TaskTypes = ["SITE_DEPLOY"] }).Wants(failed));
        Assert.False((subscription with { Events = ["task.succeeded"] }).Wants(failed));
        Assert.False((subscription with { TaskTypes = ["OTHER"] }).Wants(failed));
        Assert.False((subscription with { CreatedAt = At.AddSeconds(1) }).Wants(failed));
    }

    [Fact]
    public void The_envelope_is_a_CloudEvents_1_0_structured_JSON_body()
    {
        var snapshot = Snapshot(TaskState.InProgress);
        var created = NotificationEvents.From(snapshot, [TaskAudit.Created(snapshot.Task) with { Sequence = 1 }])[0];
        var (body, contentType) = WebhookEnvelope.Encode(created, "/functasks");
        Assert.StartsWith("application/cloudevents+json", contentType, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal("functasks.task.created", root.GetProperty("type").GetString());
        Assert.Equal("/functasks", root.GetProperty("source").GetString());
        Assert.Equal(TaskId.ToString(), root.GetProperty("subject").GetString());
        Assert.Equal(created.Id, root.GetProperty("id").GetString());
        Assert.Equal("deploy", root.GetProperty("data").GetProperty("taskName").GetString());
        Assert.Equal("ci", root.GetProperty("data").GetProperty("actor").GetString());
        Assert.False(root.GetProperty("data").TryGetProperty("stepId", out _));
    }
}
