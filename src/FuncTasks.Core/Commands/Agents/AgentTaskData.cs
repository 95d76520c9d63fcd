using System.Text.Json;
using System.Text.Json.Serialization;
using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Commands.Agents;

/// <summary>
/// What an agent-driven task carries besides the task: how its work is done, its parts and predecessors, and the
/// agent's state (ack, progress, outcome). The dialect's own fields ride along in <see cref="Fields"/>, untouched.
/// Kept as one JSON object in <see cref="TaskRecord.Extensions"/>, written with the task row's ETag.
/// </summary>
public sealed record AgentTaskData
{
    /// <summary>Most characters the JSON may take (a Table Storage string property holds 32 K).</summary>
    public const int MaxJsonLength = 30_000;

    public const string StepPredecessors = "predecessors";
    public const string StepAgent = "agent";
    public const string StepParts = "parts";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public AgentTaskKind Kind { get; init; }

    /// <summary>Step 0 is the <c>await-tasks</c> step that waits for <see cref="PredecessorIds"/>.</summary>
    public bool AwaitsPredecessors { get; init; }

    public string? ParentId { get; init; }
    public int? Part { get; init; }
    public JsonElement? PartData { get; init; }
    public string? PartExecution { get; init; }
    public IReadOnlyList<string>? PredecessorIds { get; init; }

    /// <summary>The parts this task was split into, in order.</summary>
    public IReadOnlyList<string>? PartIds { get; init; }

    public string? Info { get; init; }
    public int? Progress { get; init; }
    public DateTimeOffset? EstimatedCompletionAt { get; init; }
    public JsonElement? Outcome { get; init; }
    public DateTimeOffset? OutcomeAcknowledgedAt { get; init; }

    /// <summary>The agent that acknowledged the task (API key name, and an agent id when given); null until then.</summary>
    public string? AckedBy { get; init; }
    public DateTimeOffset? AckedAt { get; init; }

    /// <summary>The dialect's own fields (camelCase JSON names), kept as they are.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Fields { get; init; }

    public string ToJson()
    {
        var json = JsonSerializer.Serialize(this, Json);
        return json.Length <= MaxJsonLength
            ? json
            : throw new InvalidRequestException("body", $"The task's fields take {json.Length} characters as JSON; at most {MaxJsonLength} are allowed.")
            {
                Rule = RequestRule.FieldsTooLarge,
                Count = json.Length,
                Limit = MaxJsonLength,
            };
    }

    public static AgentTaskData Of(TaskRecord task) =>
        (task.Extensions is { } json ? JsonSerializer.Deserialize<AgentTaskData>(json, Json) : null) ?? new AgentTaskData();

    /// <summary>These fields with the given ones set over them (a null value leaves a field as it is).</summary>
    public AgentTaskData WithFields(IReadOnlyDictionary<string, JsonElement>? changes)
    {
        if (changes is null || changes.Count == 0)
        {
            return this;
        }

        var fields = new Dictionary<string, JsonElement>(Fields ?? [], StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            fields[name] = value;
        }

        return this with { Fields = fields };
    }

    /// <summary>The phase from the task row alone (so lists can filter on it without reading steps).</summary>
    public AgentTaskPhase PhaseOf(TaskRecord task) => task.Status switch
    {
        TaskState.Created => AgentTaskPhase.Created,
        TaskState.Succeeded => AgentTaskPhase.Succeeded,
        TaskState.Failed => AgentTaskPhase.Failed,
        TaskState.Cancelled => AgentTaskPhase.Cancelled,
        _ when AwaitsPredecessors && task.CompletedSteps < 1 => AgentTaskPhase.Scheduled,
        _ when Kind == AgentTaskKind.Agent && AckedBy is null => AgentTaskPhase.Ready,
        _ => AgentTaskPhase.Executing,
    };

    /// <summary>0–100: the agent's report for an agent-driven task, the steps' for the others.</summary>
    public int ProgressOf(TaskRecord task) => task.Status == TaskState.Succeeded ? 100
        : Kind == AgentTaskKind.Agent ? Progress ?? 0
        : task.Progress;

    /// <summary>When the work itself started: the agent's ack, or the first step's start.</summary>
    public DateTimeOffset? StartedAtOf(TaskRecord task) => Kind == AgentTaskKind.Agent
        ? AckedAt
        : PhaseOf(task) is AgentTaskPhase.Created or AgentTaskPhase.Scheduled ? null : task.StartedAt;

    /// <summary>The task's own (user-supplied) plan steps: everything after the predecessors' step.</summary>
    public IEnumerable<TaskStep> PlanSteps(IEnumerable<TaskStep> steps) =>
        Kind == AgentTaskKind.Planned ? steps.Where(s => !(AwaitsPredecessors && s.Index == 0)) : [];

    public static bool IsAgentStep(TaskStep step) =>
        string.Equals(step.Action, ExternalStepAction.ActionName, StringComparison.OrdinalIgnoreCase);
}
