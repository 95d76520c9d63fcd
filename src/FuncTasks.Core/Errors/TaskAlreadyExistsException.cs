using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>A task with this id already exists (an idempotent create whose first attempt got there first).</summary>
public sealed class TaskAlreadyExistsException(Guid taskId, Exception? inner = null)
    : Exception($"Task '{taskId}' already exists.", inner)
{
    public Guid TaskId { get; } = taskId;
}
