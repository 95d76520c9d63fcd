using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>What was looked for and not found.</summary>
public enum NotFoundKind
{
    Task,
    Step,

    /// <summary>A stored definition that tasks are started from.</summary>
    Definition,
}
