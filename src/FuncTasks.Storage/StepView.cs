using System.Text.Json.Serialization;
using FuncTasks.Core.Model;

namespace FuncTasks.Storage;

/// <summary>
/// One step as kept in the task row's view of its steps (see <see cref="TaskEntities"/> and ADR 0006): every field of a step
/// row but its task id (the partition) and its ETag, with short names. Times are kept in UTC, as a step row's are read back.
/// </summary>
internal sealed record StepView
{
    [JsonPropertyName("i")] public int Index { get; init; }
    [JsonPropertyName("n")] public string Name { get; init; } = string.Empty;
    [JsonPropertyName("a")] public string Action { get; init; } = string.Empty;
    [JsonPropertyName("d")] public string? Description { get; init; }
    [JsonPropertyName("p")] public Dictionary<string, ParamValue>? Params { get; init; }
    [JsonPropertyName("s")] public StepState Status { get; init; }
    [JsonPropertyName("c")] public DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("st")] public DateTimeOffset? StartedAt { get; init; }
    [JsonPropertyName("ct")] public DateTimeOffset? CompletedAt { get; init; }
    [JsonPropertyName("ac")] public int AttemptCount { get; init; }
    [JsonPropertyName("aa")] public int? ActiveAttempt { get; init; }
    [JsonPropertyName("e")] public FailureDetails? Error { get; init; }
    [JsonPropertyName("o")] public string? Output { get; init; }
    [JsonPropertyName("r")] public StepRetryPolicy? Retry { get; init; }
    [JsonPropertyName("t")] public int? TimeoutSeconds { get; init; }
    [JsonPropertyName("f")] public int FailedAttempts { get; init; }
    [JsonPropertyName("na")] public DateTimeOffset? NextAttemptAt { get; init; }

    public static StepView Of(TaskStep s) => new()
    {
        Index = s.Index,
        Name = s.Name,
        Action = s.Action,
        Description = s.Description,
        Params = s.Params.Count == 0 ? null : new Dictionary<string, ParamValue>(s.Params, StringComparer.Ordinal),
        Status = s.Status,
        CreatedAt = s.CreatedAt.ToUniversalTime(),
        StartedAt = s.StartedAt?.ToUniversalTime(),
        CompletedAt = s.CompletedAt?.ToUniversalTime(),
        AttemptCount = s.AttemptCount,
        ActiveAttempt = s.ActiveAttempt,
        Error = s.Error,
        Output = s.Output,
        Retry = s.Retry,
        TimeoutSeconds = s.TimeoutSeconds,
        FailedAttempts = s.FailedAttempts,
        NextAttemptAt = s.NextAttemptAt?.ToUniversalTime(),
    };

    /// <summary>The step as a step row reads back, without its ETag (a view is for reading, never for writing).</summary>
    public TaskStep ToStep(Guid taskId) => new()
    {
        TaskId = taskId,
        Index = Index,
        Name = Name,
        Action = Action,
        Description = Description,
        Params = Params is null ? new Dictionary<string, ParamValue>(StringComparer.Ordinal) : new Dictionary<string, ParamValue>(Params, StringComparer.Ordinal),
        Status = Status,
        CreatedAt = CreatedAt,
        StartedAt = StartedAt,
        CompletedAt = CompletedAt,
        AttemptCount = AttemptCount,
        ActiveAttempt = ActiveAttempt,
        Error = Error,
        Output = Output,
        Retry = Retry,
        TimeoutSeconds = TimeoutSeconds,
        FailedAttempts = FailedAttempts,
        NextAttemptAt = NextAttemptAt,
    };
}
