using FuncTasks.Core.Model;

namespace FuncTasks.Core.Notifications;

/// <summary>The one place that says which notifications a task's audit trail makes (the outbox is the trail).</summary>
public static class NotificationEvents
{
    public const string ExternalAction = "external";
    private const string RestartOperation = "restart-failed-step";

    /// <summary>Every notification of the task, in order, from its trail (<see cref="ITaskStore.GetEventsAsync"/>) and its current rows.</summary>
    public static IReadOnlyList<NotificationEvent> From(TaskSnapshot snapshot, IReadOnlyList<TaskEvent> trail)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(trail);
        var task = snapshot.Task;
        // A task created to run at once has no Created → InProgress change: it started when it was created.
        var startedAtCreation = task.Status != TaskState.Created
            && !trail.Any(e => e.Kind == TaskEventKind.TaskStatusChanged && e.From == nameof(TaskState.Created));
        var status = startedAtCreation ? TaskState.InProgress : TaskState.Created;
        var events = new List<NotificationEvent>();
        foreach (var e in trail)
        {
            if (e.TaskTo is { } to)
            {
                status = to;
            }

            var k = 0;
            foreach (var type in TypesOf(e, snapshot, startedAtCreation))
            {
                var position = (e.Sequence * 10L) + k++;
                var step = e.StepIndex is { } index ? snapshot.Steps.FirstOrDefault(s => s.Index == index) : null;
                var isStep = e.Kind == TaskEventKind.StepStatusChanged;
                events.Add(new NotificationEvent(
                    EventId(task.Id, position),
                    type,
                    position,
                    e.At,
                    new NotificationData
                    {
                        TaskId = task.Id.ToString(),
                        TaskName = task.Name,
                        TaskType = task.Type,
                        Status = status.ToString(),
                        StepId = isStep && e.StepIndex is { } i ? TaskIds.StepId(task.Id, i).ToString() : null,
                        StepName = isStep ? e.StepName ?? step?.Name : null,
                        StepIndex = isStep ? e.StepIndex : null,
                        StepStatus = isStep ? e.To : null,
                        Attempt = isStep ? e.Attempt : null,
                        Error = type is NotificationEventTypes.TaskFailed or NotificationEventTypes.StepFailed or NotificationEventTypes.StepRetrying && e.Error is { } error
                            ? new NotificationError(error.ErrorType, error.Message)
                            : null,
                        Actor = e.Actor,
                        Operation = e.Operation,
                        Sequence = e.Sequence,
                        Message = e.Message,
                    }));
            }
        }

        return events;
    }

    /// <summary>The webhook-id of the notification at this position of this task: the same on every host and every redelivery.</summary>
    public static string EventId(Guid taskId, long position) => $"evt_{taskId:N}_{position}";

    private static IEnumerable<string> TypesOf(TaskEvent e, TaskSnapshot snapshot, bool startedAtCreation)
    {
        switch (e.Kind)
        {
            case TaskEventKind.TaskCreated:
                yield return NotificationEventTypes.TaskCreated;
                if (startedAtCreation)
                {
                    yield return NotificationEventTypes.TaskStarted;
                }

                break;
            case TaskEventKind.TaskStatusChanged:
                var type = (e.TaskFrom, e.TaskTo) switch
                {
                    (TaskState.Created, TaskState.InProgress) => NotificationEventTypes.TaskStarted,
                    (_, TaskState.InProgress) => NotificationEventTypes.TaskRetried,
                    (_, TaskState.Succeeded) => NotificationEventTypes.TaskSucceeded,
                    (_, TaskState.Failed) => NotificationEventTypes.TaskFailed,
                    (_, TaskState.Cancelled) => NotificationEventTypes.TaskCancelled,
                    _ => null,
                };
                if (type is not null)
                {
                    yield return type;
                }

                break;
            case TaskEventKind.StepStatusChanged:
                foreach (var t in StepTypes(e, snapshot))
                {
                    yield return t;
                }

                break;
        }
    }

    private static IEnumerable<string> StepTypes(TaskEvent e, TaskSnapshot snapshot)
    {
        var byEngine = e.Actor == TaskActor.Engine;
        switch (e.StepTo)
        {
            case StepState.Started when e.Operation == RestartOperation || (e.StepFrom == StepState.Failed && !byEngine):
                yield return NotificationEventTypes.StepRestarted;
                yield break;
            case StepState.Started when e.StepFrom == StepState.Started && e.Error is not null:
                // An attempt failed and the next one is scheduled (automatic retries): the step stays Started, waiting;
                // the event names the failed attempt and its error. The next attempt is a step.started of its own.
                yield return NotificationEventTypes.StepRetrying;
                yield break;
            case StepState.Started:
                yield return NotificationEventTypes.StepStarted;
                var action = snapshot.Steps.FirstOrDefault(s => s.Index == e.StepIndex)?.Action;
                if (string.Equals(action, ExternalAction, StringComparison.OrdinalIgnoreCase))
                {
                    yield return NotificationEventTypes.StepWaiting;
                }

                yield break;
            case StepState.Completed:
                yield return NotificationEventTypes.StepSucceeded;
                yield break;
            case StepState.Failed:
                yield return NotificationEventTypes.StepFailed;
                yield break;
        }
    }
}
