using System.Text.Json;

namespace FuncTasks.Core.Model;

/// <summary>
/// The audit trail's one rule book: which events a write records, derived from the snapshot it replaces and the
/// <see cref="TaskUpdate"/> itself. Stores call it on every write and store the result in the same transaction,
/// so no command can change a task without leaving a trace and a write that loses its ETag race leaves none.
/// </summary>
public static class TaskAudit
{
    public const string CreateOperation = "create";

    /// <summary>Longest message kept in an event (an error's message is cut there).</summary>
    public const int MaxMessageLength = 300;

    /// <summary>The events one write records, in reading order; empty when it changes no state worth recording.</summary>
    public static IReadOnlyList<TaskEvent> Derive(TaskSnapshot current, TaskUpdate update, string actor, DateTimeOffset at)
    {
        if (update.DeletesTask)
        {
            // The task's partition, its trail included, goes with it.
            return [];
        }

        TaskEvent New(TaskEventKind kind, string message) =>
            new() { At = at, Actor = actor, Operation = update.Operation, Kind = kind, Message = FailureDetails.Cap(message, MaxMessageLength) };

        var stepEvents = new List<TaskEvent>();
        foreach (var step in (update.Steps ?? []).OrderBy(s => s.Index))
        {
            var before = current.Steps.FirstOrDefault(s => s.Index == step.Index);
            if (before is null)
            {
                stepEvents.Add(New(TaskEventKind.StepAdded, $"Step {step.Index} '{step.Name}' ({step.Action}) added.") with { StepIndex = step.Index, StepName = step.Name });
                continue;
            }

            if (before.Name != step.Name || !string.Equals(before.Action, step.Action, StringComparison.OrdinalIgnoreCase))
            {
                stepEvents.Add(New(TaskEventKind.StepReplaced, $"Step {step.Index} '{before.Name}' ({before.Action}) replaced by '{step.Name}' ({step.Action}).")
                    with { StepIndex = step.Index, StepName = step.Name });
                continue;
            }

            if (ChangedParams(before.Params, step.Params) is { Count: > 0 } changed)
            {
                stepEvents.Add(New(TaskEventKind.StepParamsChanged, $"Step '{step.Name}': parameters {string.Join(", ", changed.Keys)} changed.")
                    with { StepIndex = step.Index, StepName = step.Name, Params = changed });
            }

            var newAttempt = step.Status == StepState.Started && step.ActiveAttempt is not null && step.ActiveAttempt != before.ActiveAttempt;
            var retryScheduled = step.IsWaitingToRetry && before.ActiveAttempt is not null;
            if (before.Status != step.Status || newAttempt || retryScheduled)
            {
                stepEvents.Add(New(TaskEventKind.StepStatusChanged, StepMessage(before, step))
                    with
                    {
                        StepIndex = step.Index, StepName = step.Name, From = before.Status.ToString(), To = step.Status.ToString(),
                        Attempt = step.ActiveAttempt ?? before.ActiveAttempt, Error = step.Status == StepState.Failed || retryScheduled ? Brief(step.Error) : null,
                    });
            }
        }

        foreach (var step in (update.AddedSteps ?? []).OrderBy(s => s.Index))
        {
            stepEvents.Add(New(TaskEventKind.StepAdded, $"Step {step.Index} '{step.Name}' ({step.Action}) added.") with { StepIndex = step.Index, StepName = step.Name });
        }

        foreach (var index in (update.RemovedSteps ?? []).Order())
        {
            var removed = current.Steps.FirstOrDefault(s => s.Index == index);
            stepEvents.Add(New(TaskEventKind.StepRemoved, $"Step {index} '{removed?.Name}' ({removed?.Action}) removed.") with { StepIndex = index, StepName = removed?.Name });
        }

        var events = new List<TaskEvent>();
        TaskEvent? statusEvent = null;
        if (update.Task is { } task && task.Status != current.Task.Status)
        {
            statusEvent = New(TaskEventKind.TaskStatusChanged, TaskMessage(current.Task, task))
                with { From = current.Task.Status.ToString(), To = task.Status.ToString(), Error = task.Status == TaskState.Failed ? Brief(task.Error) : null };
        }

        // Reading order: a task that finishes does so because of its steps (steps first); one that resumes or starts
        // does so before its steps move (task first).
        if (statusEvent is not null && !update.Task!.Status.IsFinished())
        {
            events.Add(statusEvent);
        }

        events.AddRange(stepEvents);
        if (statusEvent is not null && update.Task!.Status.IsFinished())
        {
            events.Add(statusEvent);
        }

        if (update.Task is { } changedTask)
        {
            var fields = ChangedFields(current.Task, changedTask, includeProgress: events.Count == 0);
            if (fields.Count > 0)
            {
                var progress = fields.Contains("progress") ? $" (progress {changedTask.Progress})" : string.Empty;
                events.Add(New(TaskEventKind.TaskUpdated, $"Changed: {string.Join(", ", fields)}{progress}.") with { Fields = fields });
            }
        }

        return events;
    }

    /// <summary>The creation event, synthesised from the task row (a create transaction may already hold 100 rows).</summary>
    public static TaskEvent Created(TaskRecord task) => new()
    {
        At = task.CreatedAt,
        Actor = string.IsNullOrEmpty(task.CreatedBy) ? TaskActor.System : task.CreatedBy,
        Operation = CreateOperation,
        Kind = TaskEventKind.TaskCreated,
        Message = FailureDetails.Cap($"Task '{task.Name}' ({task.Type}) created ({task.Origin}).", MaxMessageLength),
    };

    /// <summary>The whole trail in order: the creation, then each write's events in the order they were written.</summary>
    public static IReadOnlyList<TaskEvent> Trail(TaskRecord task, IEnumerable<IReadOnlyList<TaskEvent>> writes)
    {
        var trail = new List<TaskEvent> { Created(task) };
        trail.AddRange(writes.SelectMany(w => w));
        return trail.Select((e, i) => e with { Sequence = i + 1 }).ToList();
    }

    /// <summary>The same events with parameter values dropped (names kept): for a write whose trail entry would not fit a row.</summary>
    public static IReadOnlyList<TaskEvent> WithoutParamValues(IReadOnlyList<TaskEvent> events) =>
        events.Select(e => e.Params is null ? e : e with
        {
            Params = e.Params.ToDictionary(p => p.Key, p => (ParamValue?)null, StringComparer.Ordinal),
            Message = FailureDetails.Cap(e.Message + " (values too large to keep in the trail)", MaxMessageLength),
        }).ToList();

    /// <summary>The first <paramref name="keep"/> events and one more that says how many were left out.</summary>
    public static IReadOnlyList<TaskEvent> Truncated(IReadOnlyList<TaskEvent> events, int keep)
    {
        if (keep >= events.Count)
        {
            return events;
        }

        var first = events[0];
        var kept = events.Take(Math.Max(0, keep)).ToList();
        kept.Add(new TaskEvent
        {
            At = first.At,
            Actor = first.Actor,
            Operation = first.Operation,
            Kind = TaskEventKind.TaskUpdated,
            Message = $"… and {events.Count - kept.Count} more changes in the same write (too many to keep in the trail).",
        });
        return kept;
    }

    /// <summary>An error as the trail keeps it: type and message, without the stack or the causes (they stay on the task and step rows).</summary>
    private static FailureDetails? Brief(FailureDetails? error) => error is null ? null : new FailureDetails(error.ErrorType, error.Message);

    private static Dictionary<string, ParamValue?> ChangedParams(IReadOnlyDictionary<string, ParamValue> before, IReadOnlyDictionary<string, ParamValue> after)
    {
        var changed = new Dictionary<string, ParamValue?>(StringComparer.Ordinal);
        foreach (var (name, value) in after.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(name, out var old) || old != value)
            {
                changed[name] = value;
            }
        }

        foreach (var name in before.Keys.Where(k => !after.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            changed[name] = null;
        }

        return changed;
    }

    private static string StepMessage(TaskStep before, TaskStep step) => step.Status switch
    {
        StepState.Started when step is { IsWaitingToRetry: true, NextAttemptAt: { } due } && before.ActiveAttempt is { } failed =>
            $"Step '{step.Name}' attempt {failed} failed; next attempt scheduled for {due.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}" +
            (step.Error is { } error ? $": {error.Message}" : "."),
        StepState.Started when step.ActiveAttempt is { } attempt && before.Status == StepState.Started && before.ActiveAttempt is { } lost =>
            $"Step '{step.Name}' attempt {attempt} started (attempt {lost} was interrupted).",
        StepState.Started when step.ActiveAttempt is { } attempt => $"Step '{step.Name}' attempt {attempt} started.",
        StepState.Started => $"Step '{step.Name}' restarted; it runs next.",
        StepState.Completed => $"Step '{step.Name}' completed" + (before.ActiveAttempt is { } n ? $" (attempt {n})." : "."),
        StepState.Failed => $"Step '{step.Name}' failed" + (step.Error is { } error ? $": {error.Message}" : "."),
        StepState.Cancelled => $"Step '{step.Name}' cancelled.",
        StepState.Pending => $"Step '{step.Name}' is pending again.",
        _ => $"Step '{step.Name}' {step.Status.ToString().ToLowerInvariant()}.",
    };

    private static string TaskMessage(TaskRecord before, TaskRecord task) => task.Status switch
    {
        TaskState.InProgress when before.Status == TaskState.Created => "Task started.",
        TaskState.InProgress => $"Task resumed (run {task.Generation}).",
        TaskState.Succeeded => "Task succeeded.",
        TaskState.Failed => "Task failed" + (task.Error is { } error ? $": {error.Message}" : "."),
        TaskState.Cancelled => "Task cancelled.",
        _ => $"Task is {task.Status}.",
    };

    /// <summary>Fields of the task row that changed, other than status and bookkeeping; a dialect's data by its top-level names.</summary>
    private static List<string> ChangedFields(TaskRecord before, TaskRecord after, bool includeProgress)
    {
        var fields = new List<string>();
        if (before.Name != after.Name)
        {
            fields.Add("name");
        }

        if (before.Type != after.Type)
        {
            fields.Add("type");
        }

        if (before.Description != after.Description)
        {
            fields.Add("description");
        }

        if (includeProgress && before.Progress != after.Progress)
        {
            fields.Add("progress");
        }

        if (before.Extensions != after.Extensions)
        {
            fields.AddRange(ChangedProperties(before.Extensions, after.Extensions).Where(f => f != "progress" || !fields.Contains(f)));
        }

        return fields;
    }

    private static IEnumerable<string> ChangedProperties(string? before, string? after)
    {
        var old = Properties(before);
        var now = Properties(after);
        if (old is null || now is null)
        {
            return ["extensions"];
        }

        return now.Where(p => !old.TryGetValue(p.Key, out var v) || v != p.Value).Select(p => p.Key)
            .Concat(old.Keys.Where(k => !now.ContainsKey(k)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static Dictionary<string, string>? Properties(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value.GetRawText(), StringComparer.Ordinal)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
