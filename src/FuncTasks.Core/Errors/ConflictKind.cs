using FuncTasks.Core.Model;

namespace FuncTasks.Core;

public enum ConflictKind
{
    RetryNotAllowed,
    CancelNotAllowed,
    RestartNotAllowed,
    CompleteNotAllowed,
    ExecuteNotAllowed,
    EditNotAllowed,
    DeleteNotAllowed,

    /// <summary>Every bounded re-read lost the race against other writers: the state moved on while deciding.</summary>
    ChangedConcurrently,
}
