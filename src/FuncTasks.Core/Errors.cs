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

/// <summary>An <c>Idempotency-Key</c> cannot give this request the first one's result: 409 in every dialect.</summary>
public class IdempotencyConflictException(string key, string code, string message) : FuncTasksException(message)
{
    public string Key { get; } = key;

    /// <summary>IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY_IN_PROGRESS or IDEMPOTENCY_KEY_TASK_GONE.</summary>
    public string Code { get; } = code;
}

/// <summary>
/// The key was used before, within its window, for a different request body: the first request's outcome stands and
/// this one is refused rather than silently creating something else.
/// </summary>
public sealed class IdempotencyKeyReusedException(string key) : IdempotencyConflictException(key, "IDEMPOTENCY_KEY_REUSED",
    $"The Idempotency-Key '{key}' was already used for a different request; use a new key for a new request.");

/// <summary>A task with this id already exists (an idempotent create whose first attempt got there first).</summary>
public sealed class TaskAlreadyExistsException(Guid taskId, Exception? inner = null)
    : Exception($"Task '{taskId}' already exists.", inner)
{
    public Guid TaskId { get; } = taskId;
}

/// <summary>A storage write lost an optimistic-concurrency race (ETag mismatch or duplicate insert).</summary>
public sealed class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The runner could not take the work (its engine unreachable or failing on its side): like a storage outage, the caller
/// is told to come back later. The task was left retryable (see <c>TaskMutation.ScheduleAsync</c>).
/// </summary>
public sealed class RunnerUnavailableException(string message, Exception inner) : Exception(message, inner);
