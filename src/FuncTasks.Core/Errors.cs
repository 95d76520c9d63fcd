using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>
/// A domain outcome that each dialect translates to its own status code and body. The outcome carries typed facts;
/// <see cref="Exception.Message"/> is plain engine English for logs, never what a dialect puts on the wire.
/// </summary>
public abstract class FuncTasksException(string message) : Exception(message);

/// <summary>What was looked for and not found.</summary>
public enum NotFoundKind
{
    Task,
    Step,

    /// <summary>A stored definition that tasks are started from.</summary>
    Definition,
}

/// <summary><see cref="Id"/> is the id as the caller gave it (echoed back by the dialects).</summary>
public sealed class TaskNotFoundException(NotFoundKind kind, string id) : FuncTasksException($"{kind} '{id}' was not found.")
{
    public NotFoundKind Kind { get; } = kind;
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

    /// <summary>Every bounded re-read lost the race against other writers: the state moved on while deciding.</summary>
    ChangedConcurrently,
}

/// <summary>
/// The task or step is not in a state that allows the operation. The facts say what the state was: the task's,
/// the step's (with its name and action) for a step operation, and <see cref="Agent"/> for an agent-driven task.
/// </summary>
public sealed class TaskConflictException(ConflictKind kind, string message) : FuncTasksException(message)
{
    public ConflictKind Kind { get; } = kind;

    public TaskState? TaskState { get; init; }

    public StepState? StepState { get; init; }

    public string? StepName { get; init; }

    public string? StepAction { get; init; }

    /// <summary>Set when an agent-driven task refused a command: the command, and the task's kind and phase.</summary>
    public Commands.Agents.AgentTaskRefusal? Agent { get; init; }

    /// <summary>The state name the refusal met: the step's for a step operation, else the task's.</summary>
    public string? ActualStatus => StepState?.ToString() ?? TaskState?.ToString();
}

/// <summary>Rules of the engine whose refusal a dialect words itself (with <see cref="InvalidRequestException.Limit"/> and <see cref="InvalidRequestException.Value"/>).</summary>
public enum RequestRule
{
    /// <summary>A parent id that names no task of this kind (<c>Value</c>: the id given).</summary>
    UnknownParent,

    /// <summary>More predecessors than allowed (<c>Limit</c>, <c>Count</c>).</summary>
    TooManyPredecessors,

    /// <summary>A predecessor id that names no task of this kind (<c>Value</c>: the id given).</summary>
    UnknownPredecessor,

    /// <summary>The fields kept with a task take too much room (<c>Count</c>: characters, <c>Limit</c>).</summary>
    FieldsTooLarge,

    /// <summary>Progress was given for a task whose steps report it.</summary>
    ProgressComesFromSteps,
}

/// <summary>
/// The request is malformed or breaks a rule; <see cref="Field"/> names what is wrong. When <see cref="Rule"/> is set,
/// the facts (<see cref="Value"/>, <see cref="Limit"/>, <see cref="Count"/>) let a dialect word it; the message is generic.
/// </summary>
public sealed class InvalidRequestException(string field, string message) : FuncTasksException(message)
{
    public string Field { get; } = field;

    public RequestRule? Rule { get; init; }

    public string? Value { get; init; }

    public int? Limit { get; init; }

    public int? Count { get; init; }
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
