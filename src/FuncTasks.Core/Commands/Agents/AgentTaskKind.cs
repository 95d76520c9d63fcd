namespace FuncTasks.Core.Commands.Agents;

/// <summary>How an agent-driven task's work is done (stored by name: keep the names).</summary>
public enum AgentTaskKind
{
    /// <summary>One <c>external</c> step that an agent acknowledges, reports on and completes or fails.</summary>
    Agent,

    /// <summary>The task's plan: steps the engine runs.</summary>
    Planned,

    /// <summary>A task split into parts: it waits for them (an <c>await-tasks</c> step).</summary>
    Parent,
}
