using System.Text.Json.Serialization;

namespace FuncTasks.Core.Model;

/// <summary>
/// One entry of a task's audit trail: who (<see cref="Actor"/>: an API key's name, or "engine"), what, and when.
/// Statuses are the internal names (<see cref="TaskState"/> for task events, <see cref="StepState"/> for step
/// events) so that each dialect maps them to its own words at the edge.
/// </summary>
public sealed record TaskEvent
{
    /// <summary>1-based position in the task's trail (assigned when the trail is read; it never changes).</summary>
    public int Sequence { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string Actor { get; init; }

    /// <summary>The command that made the change (retry, cancel, restart-failed-step, ack, run, ...), when known.</summary>
    public string? Operation { get; init; }

    public required TaskEventKind Kind { get; init; }

    public int? StepIndex { get; init; }

    public string? StepName { get; init; }

    /// <summary>The status before, as the internal name; null when the event is not a status change.</summary>
    public string? From { get; init; }

    public string? To { get; init; }

    /// <summary>For a parameter change: the changed parameters with their new values (null value: removed, or too large to keep).</summary>
    public IReadOnlyDictionary<string, ParamValue?>? Params { get; init; }

    /// <summary>For <see cref="TaskEventKind.TaskUpdated"/>: the names of the fields that changed.</summary>
    public IReadOnlyList<string>? Fields { get; init; }

    public string? Message { get; init; }

    [JsonIgnore]
    public TaskState? TaskFrom => Kind == TaskEventKind.TaskStatusChanged && Enum.TryParse<TaskState>(From, out var s) ? s : null;

    [JsonIgnore]
    public TaskState? TaskTo => Kind == TaskEventKind.TaskStatusChanged && Enum.TryParse<TaskState>(To, out var s) ? s : null;

    [JsonIgnore]
    public StepState? StepFrom => Kind == TaskEventKind.StepStatusChanged && Enum.TryParse<StepState>(From, out var s) ? s : null;

    [JsonIgnore]
    public StepState? StepTo => Kind == TaskEventKind.StepStatusChanged && Enum.TryParse<StepState>(To, out var s) ? s : null;
}
