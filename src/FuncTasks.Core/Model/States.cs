namespace FuncTasks.Core.Model;

/// <summary>Internal task status; each dialect maps it to its own words at the edge.</summary>
public enum TaskState
{
    Created,
    InProgress,
    Succeeded,
    Failed,
    Cancelled,
}

public enum StepState
{
    Pending,
    Started,
    Completed,
    Failed,
    Skipped,
    Cancelled,
}

public static class StateRules
{
    public static bool IsFinished(this TaskState state) =>
        state is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled;

    public static bool IsDone(this StepState state) => state is StepState.Completed or StepState.Skipped;
}
