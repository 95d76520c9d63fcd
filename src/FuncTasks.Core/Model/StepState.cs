namespace FuncTasks.Core.Model;

public enum StepState
{
    Pending,
    Started,
    Completed,
    Failed,
    Skipped,
    Cancelled,
}
