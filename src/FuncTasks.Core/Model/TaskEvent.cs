using System.Text.Json.Serialization;

namespace FuncTasks.Core.Model;

/// <summary>What kind of change an audit event records.</summary>
public enum TaskEventKind
{
    /// <summary>The task was created (synthesised from the task row's CreatedBy and CreatedAt).</summary>
    TaskCreated,
    TaskStatusChanged,

    /// <summary>Other fields of the task changed while no status did (e.g. the info or progress an agent reported).</summary>
    TaskUpdated,
    StepStatusChanged,
    StepParamsChanged,
    StepAdded,
    StepRemoved,

    /// <summary>A step at the same position became a different step (a plan replaced before it ran).</summary>
    StepReplaced,
}

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

/// <summary>
/// Who is changing tasks on the current async flow. The API sets it once per request, after authentication, to the
/// key's name; the engine never relies on it: its writes carry <see cref="TaskUpdate.Actor"/> = <see cref="Engine"/>
/// explicitly, so background work can never be recorded under a caller's identity even if it inherited the flow.
/// </summary>
public static class TaskActor
{
    public const string Engine = "engine";

    /// <summary>A write made outside any request and not by the engine (should not happen; recorded rather than lost).</summary>
    public const string System = "system";

    private static readonly AsyncLocal<string?> Ambient = new();

    public static string? Current => Ambient.Value;

    /// <summary>Sets the actor for the rest of this async flow; disposing restores the previous one.</summary>
    public static Scope Begin(string name)
    {
        var previous = Ambient.Value;
        Ambient.Value = name;
        return new Scope(previous);
    }

    /// <summary>The explicit actor of a write, else the flow's, else <see cref="System"/>.</summary>
    public static string Resolve(string? explicitActor) =>
        !string.IsNullOrEmpty(explicitActor) ? explicitActor : Current is { Length: > 0 } current ? current : System;

    public readonly struct Scope(string? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
