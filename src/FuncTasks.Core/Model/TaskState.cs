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
