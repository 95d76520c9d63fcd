using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary><see cref="Id"/> is the id as the caller gave it (echoed back by the dialects).</summary>
public sealed class TaskNotFoundException(NotFoundKind kind, string id) : FuncTasksException($"{kind} '{id}' was not found.")
{
    public NotFoundKind Kind { get; } = kind;
    public string Id { get; } = id;
}
