using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>
/// The task or step is not in a state that allows the operation. The facts say what the state was: the task's,
/// the step's (with its name and action) for a step operation, and <see cref="Agent"/> for an agent-driven task.
/// </summary>
public sealed class TaskConflictException(ConflictKind kind, string message) : FuncTasksException(message)
{
    public ConflictKind Kind { get; } = kind;

    public TaskState? TaskState { get; init; }

    public StepState? StepState { get; init; }

    public string? StepName { get; init; }

    public string? StepAction { get; init; }

    /// <summary>Set when an agent-driven task refused a command: the command, and the task's kind and phase.</summary>
    public Commands.Agents.AgentTaskRefusal? Agent { get; init; }

    /// <summary>The state name the refusal met: the step's for a step operation, else the task's.</summary>
    public string? ActualStatus => StepState?.ToString() ?? TaskState?.ToString();
}
