namespace FuncTasks.Core;

/// <summary>A domain outcome that each dialect translates to its own status code and body.</summary>
public abstract class FuncTasksException(string message) : Exception(message);

public sealed class TaskNotFoundException(string what, string id) : FuncTasksException($"{what} '{id}' was not found.")
{
    public string What { get; } = what;
    public string Id { get; } = id;
}

public enum ConflictKind
{
    RetryNotAllowed,
    CancelNotAllowed,
    RestartNotAllowed,
    CompleteNotAllowed,
    ExecuteNotAllowed,
    EditNotAllowed,
    DeleteNotAllowed,
}

/// <summary>The task or step is not in a state that allows the operation.</summary>
public sealed class TaskConflictException(ConflictKind kind, string message, string? actualStatus = null)
    : FuncTasksException(message)
{
    public ConflictKind Kind { get; } = kind;
    public string? ActualStatus { get; } = actualStatus;
}

/// <summary>The request is malformed or breaks a rule; <see cref="Field"/> names what is wrong.</summary>
public sealed class InvalidRequestException(string field, string message) : FuncTasksException(message)
{
    public string Field { get; } = field;
}

/// <summary>A storage write lost an optimistic-concurrency race (ETag mismatch or duplicate insert).</summary>
public sealed class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);
