namespace FuncTasks.Core.Model;

public static class StateRules
{
    public static bool IsFinished(this TaskState state) =>
        state is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled;

    public static bool IsDone(this StepState state) => state is StepState.Completed or StepState.Skipped;
}
