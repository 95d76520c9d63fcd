using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FuncTasks.Core.Model;

namespace FuncTasks.Storage;

/// <summary>
/// Row layout of one task partition (PartitionKey = task id): "task", "step-NNN", "attempt-NNN-NNNNN" and the
/// audit trail's "event-NNNNNNNNNN" (one per write that recorded events). Attempts and events sort before steps, so
/// "RowKey ge 'step-'" reads the task without them.
/// </summary>
internal static class TaskEntities
{
    public const string TaskRowKey = "task";
    public const string StepPrefix = "step-";
    public const string AttemptPrefix = "attempt-";
    public const string EventPrefix = "event-";

    /// <summary>The first row key after every event row ('.' follows '-').</summary>
    public const string EventEnd = "event.";

    /// <summary>Most characters of one event row's JSON (a Table Storage string property holds 32K).</summary>
    public const int MaxEventJsonLength = 30_000;

    /// <summary>
    /// The task row's view of its steps (ADR 0006): their JSON in "StepsView" and, past 30,000 characters,
    /// "StepsView1", "StepsView2", ... ("StepsViewParts" says how many). Absent when the steps did not fit or the row was
    /// written before views existed: the task is then read with a partition query.
    /// </summary>
    public const string ViewProperty = "StepsView";

    public const string ViewPartsProperty = "StepsViewParts";

    /// <summary>Most characters of one property of the view (a string property holds 32K UTF-16 characters).</summary>
    public const int MaxViewPartLength = 30_000;

    /// <summary>Most properties one view spreads over (a row has at most 255; the task's own take about 25).</summary>
    public const int MaxViewParts = 12;

    /// <summary>Most bytes of a task row with its view, well within an entity's 1 MiB (strings count two bytes a character).</summary>
    public const int MaxTaskRowBytes = 900 * 1024;

    /// <summary>The task row's own columns: what a list or a task-only read selects (never the view).</summary>
    public static readonly string[] TaskColumns =
    [
        "PartitionKey", "RowKey", "Timestamp", "Kind", "Name", "Type", "Description", "Status", "CreatedAt", "StartedAt", "CompletedAt",
        "UpdatedAt", "StepCount", "CompletedSteps", "Progress", "Generation", "Origin", "Extensions", "Error", "FailedStepIndex",
        "CreatedBy", "EventCount", "Retry",
    ];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static string PartitionKey(Guid taskId) => taskId.ToString("D");

    public static string StepRowKey(int index) => $"{StepPrefix}{index:D3}";

    public static string AttemptRowKey(int index, int number) => $"{AttemptPrefix}{index:D3}-{number:D5}";

    public static string EventRowKey(int sequence) => $"{EventPrefix}{sequence:D10}";

    public static TableEntity ToEntity(TaskRecord t) => new(PartitionKey(t.Id), TaskRowKey)
    {
        ["Kind"] = "task",
        ["Name"] = t.Name,
        ["Type"] = t.Type,
        ["Description"] = t.Description,
        ["Status"] = t.Status.ToString(),
        ["CreatedAt"] = t.CreatedAt,
        ["StartedAt"] = t.StartedAt,
        ["CompletedAt"] = t.CompletedAt,
        ["UpdatedAt"] = t.UpdatedAt,
        ["StepCount"] = t.StepCount,
        ["CompletedSteps"] = t.CompletedSteps,
        ["Progress"] = t.Progress,
        ["Generation"] = t.Generation,
        ["Origin"] = t.Origin,
        ["Extensions"] = t.Extensions,
        ["Error"] = ToJson(t.Error),
        ["FailedStepIndex"] = t.FailedStepIndex,
        ["CreatedBy"] = t.CreatedBy,
        ["EventCount"] = t.EventCount,
        ["Retry"] = ToJson(t.Retry),
        ETag = t.ETag is null ? default : new ETag(t.ETag),
    };

    /// <summary>
    /// The task row with the view of its steps when <paramref name="steps"/> are all of them (one per index, as many as
    /// <see cref="TaskRecord.StepCount"/>) and fit; otherwise without a view (readers then query the partition).
    /// </summary>
    public static TableEntity ToEntity(TaskRecord t, IEnumerable<TaskStep>? steps)
    {
        var entity = ToEntity(t);
        if (steps is null)
        {
            return entity;
        }

        var ordered = steps.OrderBy(s => s.Index).ToList();
        if (ordered.Count != t.StepCount || ordered.Select(s => s.Index).Distinct().Count() != ordered.Count || ordered.Any(s => s.TaskId != t.Id))
        {
            return entity;
        }

        var json = ViewJson(ordered);
        var parts = (json.Length + MaxViewPartLength - 1) / MaxViewPartLength;
        if (parts > MaxViewParts || RowBytes(entity) + (2L * json.Length) + (parts * 64) > MaxTaskRowBytes)
        {
            return entity;
        }

        entity[ViewPartsProperty] = parts;
        for (var i = 0; i < parts; i++)
        {
            var start = i * MaxViewPartLength;
            entity[ViewPartName(i)] = json.Substring(start, Math.Min(MaxViewPartLength, json.Length - start));
        }

        return entity;
    }

    /// <summary>
    /// The view's JSON: the array of the steps' views, each step's part serialised once per step record and kept while the
    /// record lives. A write changes one or two steps of a task, and the snapshot it writes from keeps the other steps'
    /// records, so a step of 50 serialises two steps, not 50. Step records are immutable: the same record is the same JSON.
    /// </summary>
    internal static string ViewJson(IReadOnlyList<TaskStep> ordered) =>
        "[" + string.Join(',', ordered.Select(step => ViewParts.GetValue(step, static s => JsonSerializer.Serialize(StepView.Of(s), Json)))) + "]";

    /// <summary>Each step record's part of the view (weak: a record no longer referenced takes its part with it).</summary>
    private static readonly ConditionalWeakTable<TaskStep, string> ViewParts = new();

    /// <summary>The steps kept on the task row, in order and without ETags; null when the row has no (complete) view.</summary>
    public static List<TaskStep>? ReadView(TableEntity e)
    {
        if (e.GetInt32(ViewPartsProperty) is not { } parts || parts < 1 || parts > MaxViewParts)
        {
            return null;
        }

        var json = new System.Text.StringBuilder();
        for (var i = 0; i < parts; i++)
        {
            if (e.GetString(ViewPartName(i)) is not { } part)
            {
                return null;
            }

            json.Append(part);
        }

        var taskId = Guid.Parse(e.PartitionKey);
        var steps = JsonSerializer.Deserialize<List<StepView>>(json.ToString(), Json);
        return steps?.Select(v => v.ToStep(taskId)).ToList();
    }

    private static string ViewPartName(int part) => part == 0 ? ViewProperty : $"{ViewProperty}{part}";

    /// <summary>An upper estimate of a row's size as Table Storage counts it (names and strings in UTF-16).</summary>
    private static long RowBytes(TableEntity entity)
    {
        long bytes = 4 + (2 * (entity.PartitionKey.Length + entity.RowKey.Length));
        foreach (var (name, value) in entity)
        {
            bytes += 8 + (2 * name.Length) + value switch
            {
                string text => 4 + (2 * text.Length),
                byte[] binary => 4 + binary.Length,
                _ => 8,
            };
        }

        return bytes;
    }

    public static TaskRecord ToTask(TableEntity e) => new()
    {
        Id = Guid.Parse(e.PartitionKey),
        Name = e.GetString("Name") ?? string.Empty,
        Type = e.GetString("Type") ?? string.Empty,
        Description = e.GetString("Description"),
        Status = Enum.Parse<TaskState>(e.GetString("Status") ?? nameof(TaskState.InProgress)),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        StartedAt = e.GetDateTimeOffset("StartedAt"),
        CompletedAt = e.GetDateTimeOffset("CompletedAt"),
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
        StepCount = e.GetInt32("StepCount") ?? 0,
        CompletedSteps = e.GetInt32("CompletedSteps") ?? 0,
        Progress = e.GetInt32("Progress") ?? 0,
        Generation = e.GetInt32("Generation") ?? 0,
        Origin = e.GetString("Origin") ?? string.Empty, // always written: the caller gives it
        Extensions = e.GetString("Extensions"),
        Error = FromJson<FailureDetails>(e.GetString("Error")),
        FailedStepIndex = e.GetInt32("FailedStepIndex"),
        CreatedBy = e.GetString("CreatedBy"),
        EventCount = e.GetInt32("EventCount") ?? 0,
        Retry = FromJson<StepRetryPolicy>(e.GetString("Retry")),
        ETag = e.ETag.ToString(),
    };

    public static TableEntity ToEntity(TaskStep s) => new(PartitionKey(s.TaskId), StepRowKey(s.Index))
    {
        ["Kind"] = "step",
        ["Index"] = s.Index,
        ["Name"] = s.Name,
        ["Action"] = s.Action,
        ["Description"] = s.Description,
        ["Params"] = JsonSerializer.Serialize(s.Params, Json),
        ["Status"] = s.Status.ToString(),
        ["CreatedAt"] = s.CreatedAt,
        ["StartedAt"] = s.StartedAt,
        ["CompletedAt"] = s.CompletedAt,
        ["AttemptCount"] = s.AttemptCount,
        ["ActiveAttempt"] = s.ActiveAttempt,
        ["Error"] = ToJson(s.Error),
        ["Output"] = s.Output,
        ["Retry"] = ToJson(s.Retry),
        ["TimeoutSeconds"] = s.TimeoutSeconds,
        ["FailedAttempts"] = s.FailedAttempts,
        ["NextAttemptAt"] = s.NextAttemptAt,
        ETag = s.ETag is null ? default : new ETag(s.ETag),
    };

    public static TaskStep ToStep(TableEntity e) => new()
    {
        TaskId = Guid.Parse(e.PartitionKey),
        Index = e.GetInt32("Index") ?? 0,
        Name = e.GetString("Name") ?? string.Empty,
        Action = e.GetString("Action") ?? string.Empty,
        Description = e.GetString("Description"),
        Params = ParseParams(e.GetString("Params")),
        Status = Enum.Parse<StepState>(e.GetString("Status") ?? nameof(StepState.Pending)),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        StartedAt = e.GetDateTimeOffset("StartedAt"),
        CompletedAt = e.GetDateTimeOffset("CompletedAt"),
        AttemptCount = e.GetInt32("AttemptCount") ?? 0,
        ActiveAttempt = e.GetInt32("ActiveAttempt"),
        Error = FromJson<FailureDetails>(e.GetString("Error")),
        Output = e.GetString("Output"),
        Retry = FromJson<StepRetryPolicy>(e.GetString("Retry")),
        TimeoutSeconds = e.GetInt32("TimeoutSeconds"),
        FailedAttempts = e.GetInt32("FailedAttempts") ?? 0,
        NextAttemptAt = e.GetDateTimeOffset("NextAttemptAt"),
        ETag = e.ETag.ToString(),
    };

    public static TableEntity ToEntity(StepAttempt a) => new(PartitionKey(a.TaskId), AttemptRowKey(a.StepIndex, a.Number))
    {
        ["Kind"] = "attempt",
        ["StepIndex"] = a.StepIndex,
        ["Number"] = a.Number,
        ["StartedAt"] = a.StartedAt,
        ["FinishedAt"] = a.FinishedAt,
        ["Params"] = JsonSerializer.Serialize(a.Params, Json),
        ["Outcome"] = a.Outcome.ToString(),
        ["Error"] = ToJson(a.Error),
    };

    public static StepAttempt ToAttempt(TableEntity e) => new()
    {
        TaskId = Guid.Parse(e.PartitionKey),
        StepIndex = e.GetInt32("StepIndex") ?? 0,
        Number = e.GetInt32("Number") ?? 0,
        StartedAt = e.GetDateTimeOffset("StartedAt") ?? default,
        FinishedAt = e.GetDateTimeOffset("FinishedAt") ?? default,
        Params = ParseParams(e.GetString("Params")),
        Outcome = Enum.Parse<StepState>(e.GetString("Outcome") ?? nameof(StepState.Completed)),
        Error = FromJson<FailureDetails>(e.GetString("Error")),
    };

    /// <summary>
    /// The row of one write's events. What does not fit one property is shrunk, never dropped silently: parameter
    /// values first (names kept), then the events past those that fit, replaced by one that counts them.
    /// </summary>
    public static TableEntity ToEntity(Guid taskId, int sequence, IReadOnlyList<TaskEvent> events)
    {
        var json = JsonSerializer.Serialize(events, Json);
        if (json.Length > MaxEventJsonLength)
        {
            events = TaskAudit.WithoutParamValues(events);
            json = JsonSerializer.Serialize(events, Json);
        }

        for (var keep = events.Count - 1; json.Length > MaxEventJsonLength && keep >= 0; keep = Math.Min(keep - 1, keep * MaxEventJsonLength / json.Length))
        {
            json = JsonSerializer.Serialize(TaskAudit.Truncated(events, keep), Json);
        }

        return new TableEntity(PartitionKey(taskId), EventRowKey(sequence))
        {
            ["Kind"] = "event",
            ["Sequence"] = sequence,
            ["Events"] = json,
        };
    }

    public static IReadOnlyList<TaskEvent> ToEvents(TableEntity e) =>
        FromJson<List<TaskEvent>>(e.GetString("Events")) ?? [];

    private static Dictionary<string, ParamValue> ParseParams(string? json) =>
        json is null
            ? new Dictionary<string, ParamValue>(StringComparer.Ordinal)
            : new Dictionary<string, ParamValue>(JsonSerializer.Deserialize<Dictionary<string, ParamValue>>(json, Json) ?? [], StringComparer.Ordinal);

    private static string? ToJson<T>(T? value) where T : class => value is null ? null : JsonSerializer.Serialize(value, Json);

    private static T? FromJson<T>(string? json) where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json, Json);
}
