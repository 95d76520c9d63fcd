using System.Text.Json;
using System.Text.Json.Serialization;
using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Commands.Jobs;

/// <summary>How a job's work is done.</summary>
public enum JobKind
{
    /// <summary>One <c>external</c> step that an agent acknowledges, reports on and completes or fails.</summary>
    Agent,

    /// <summary>The job's plan: steps the engine runs.</summary>
    Planned,

    /// <summary>A job split into parts: it waits for them (an <c>await-tasks</c> step).</summary>
    Parent,
}

/// <summary>A job's lifecycle phase, derived from its task (the Jobs dialect words it).</summary>
public enum JobPhase
{
    Created,

    /// <summary>Started, but still waiting for its predecessors.</summary>
    Scheduled,

    /// <summary>Agent-driven and waiting for an agent to acknowledge it.</summary>
    Ready,
    Executing,
    Complete,
    Failed,
    Canceled,
}

/// <summary>
/// What a Flatfile job carries besides the task: its config fields and the agent's state (ack, progress,
/// outcome). Kept as JSON in <see cref="TaskRecord.Extensions"/>, written with the task row's ETag.
/// </summary>
public sealed record JobData
{
    /// <summary>Most characters the JSON may take (a Table Storage string property holds 32 K).</summary>
    public const int MaxJsonLength = 30_000;

    public const string StepPredecessors = "predecessors";
    public const string StepAgent = "agent";
    public const string StepParts = "parts";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public JobKind Kind { get; init; }

    /// <summary>Step 0 is the <c>await-tasks</c> step that waits for <see cref="PredecessorIds"/>.</summary>
    public bool AwaitsPredecessors { get; init; }

    public required string Source { get; init; }
    public string? Destination { get; init; }
    public string Trigger { get; init; } = "manual";
    public string? Mode { get; init; }
    public string? FileId { get; init; }
    public string? EnvironmentId { get; init; }
    public string? SpaceId { get; init; }
    public string? CreatedBy { get; init; }
    public bool? Managed { get; init; }
    public JsonElement? Config { get; init; }
    public JsonElement? Input { get; init; }
    public JsonElement? Subject { get; init; }
    public JsonElement? Metadata { get; init; }
    public string? ParentId { get; init; }
    public int? Part { get; init; }
    public JsonElement? PartData { get; init; }
    public string? PartExecution { get; init; }
    public IReadOnlyList<string>? PredecessorIds { get; init; }

    /// <summary>The parts this job was split into, in order.</summary>
    public IReadOnlyList<string>? PartIds { get; init; }

    public string? Info { get; init; }
    public int? Progress { get; init; }
    public DateTimeOffset? EstimatedCompletionAt { get; init; }
    public JsonElement? Outcome { get; init; }
    public DateTimeOffset? OutcomeAcknowledgedAt { get; init; }

    /// <summary>The agent that acknowledged the job (API key name, and X-Agent-Id when given); null until then.</summary>
    public string? AckedBy { get; init; }
    public DateTimeOffset? AckedAt { get; init; }

    public string ToJson()
    {
        var json = JsonSerializer.Serialize(this, Json);
        return json.Length <= MaxJsonLength
            ? json
            : throw new InvalidRequestException("body", $"The job's fields (config, input, metadata, outcome, ...) take {json.Length} characters as JSON; at most {MaxJsonLength} are allowed.");
    }

    public static JobData Of(TaskRecord task) =>
        (task.Extensions is { } json ? JsonSerializer.Deserialize<JobData>(json, Json) : null)
        ?? new JobData { Source = string.Empty };

    /// <summary>The job's phase from its task row alone (so lists can filter on it without reading steps).</summary>
    public JobPhase PhaseOf(TaskRecord task) => task.Status switch
    {
        TaskState.Created => JobPhase.Created,
        TaskState.Succeeded => JobPhase.Complete,
        TaskState.Failed => JobPhase.Failed,
        TaskState.Cancelled => JobPhase.Canceled,
        _ when AwaitsPredecessors && task.CompletedSteps < 1 => JobPhase.Scheduled,
        _ when Kind == JobKind.Agent && AckedBy is null => JobPhase.Ready,
        _ => JobPhase.Executing,
    };

    /// <summary>0–100: the agent's report for an agent-driven job, the steps' for the others.</summary>
    public int ProgressOf(TaskRecord task) => task.Status == TaskState.Succeeded ? 100
        : Kind == JobKind.Agent ? Progress ?? 0
        : task.Progress;

    /// <summary>When the work itself started: the agent's ack, or the first step's start.</summary>
    public DateTimeOffset? StartedAtOf(TaskRecord task) => Kind == JobKind.Agent
        ? AckedAt
        : PhaseOf(task) is JobPhase.Created or JobPhase.Scheduled ? null : task.StartedAt;

    /// <summary>The job's own (user-supplied) plan steps: everything after the predecessors' step.</summary>
    public IEnumerable<TaskStep> PlanSteps(IEnumerable<TaskStep> steps) =>
        Kind == JobKind.Planned ? steps.Where(s => !(AwaitsPredecessors && s.Index == 0)) : [];

    public static bool IsAgentStep(TaskStep step) =>
        string.Equals(step.Action, ExternalStepAction.ActionName, StringComparison.OrdinalIgnoreCase);
}
