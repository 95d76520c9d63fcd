namespace FuncTasks.Core.Commands.Agents;

/// <summary>Why an agent-driven task refused a command: the command, and the task's kind and phase when it did.</summary>
/// <param name="AckedBy">The agent that had taken the task, when another agent was refused.</param>
public sealed record AgentTaskRefusal(AgentTaskCommand Command, AgentTaskKind Kind, AgentTaskPhase Phase, string? AckedBy = null);
