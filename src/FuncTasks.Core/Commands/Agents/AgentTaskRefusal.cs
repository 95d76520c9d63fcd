namespace FuncTasks.Core.Commands.Agents;

/// <summary>Why an agent-driven task refused a command: the command, and the task's kind and phase when it did.</summary>
/// <param name="AckedBy">The agent that had taken the task, when another agent was refused.</param>
public sealed record AgentTaskRefusal(AgentTaskCommand Command, AgentTaskKind Kind, AgentTaskPhase Phase, string? AckedBy = null);

/// <summary>The commands of an agent-driven task.</summary>
public enum AgentTaskCommand
{
    Execute,
    Edit,
    Delete,
    Ack,
    Complete,
    Fail,
    AckOutcome,
    Cancel,
    Retry,
    Split,
    ReplacePlan,
    EditPlan,

    /// <summary>One step of the plan could not be edited (<see cref="TaskConflictException.StepState"/> says why).</summary>
    EditPlanStep,
}
