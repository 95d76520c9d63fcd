using System.Text.Json;

namespace FuncTasks.Core.Commands.Agents;

/// <summary>
/// What the dialect that serves agent-driven tasks stores with them in its own words: the origin of its tasks, the
/// descriptions of the steps the engine adds, the failure recorded when an agent fails a task, the info of a part
/// cancelled with its parent, and the dialect fields a part gets over its parent's.
/// </summary>
public sealed record AgentTaskProfile
{
    /// <summary>The <see cref="Model.TaskRecord.Origin"/> of these tasks: a task of another origin is not found.</summary>
    public required string Origin { get; init; }

    public required string AgentStepDescription { get; init; }
    public required string PredecessorsStepDescription { get; init; }
    public required string PartsStepDescription { get; init; }

    /// <summary>The error type of a task an agent failed (as opposed to one the engine failed).</summary>
    public required string AgentFailureType { get; init; }

    /// <summary>The failure message when the agent gave neither info nor an outcome message.</summary>
    public required string AgentFailureMessage { get; init; }

    public required string PartCancelledInfo { get; init; }

    /// <summary>Dialect fields a part gets instead of its parent's (the others are copied).</summary>
    public IReadOnlyDictionary<string, JsonElement> PartFields { get; init; } = new Dictionary<string, JsonElement>();
}
