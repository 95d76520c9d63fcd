namespace FuncTasks.Core.Commands.Agents;

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
