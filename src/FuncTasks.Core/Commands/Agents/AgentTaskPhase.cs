namespace FuncTasks.Core.Commands.Agents;

/// <summary>An agent-driven task's lifecycle phase, derived from its task (each dialect words it).</summary>
public enum AgentTaskPhase
{
    Created,

    /// <summary>Started, but still waiting for its predecessors.</summary>
    Scheduled,

    /// <summary>Agent-driven and waiting for an agent to acknowledge it.</summary>
    Ready,
    Executing,
    Succeeded,
    Failed,
    Cancelled,
}
