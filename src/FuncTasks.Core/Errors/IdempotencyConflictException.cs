using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>An <c>Idempotency-Key</c> cannot give this request the first one's result: 409 in every dialect.</summary>
public class IdempotencyConflictException(string key, string code, string message) : FuncTasksException(message)
{
    public string Key { get; } = key;

    /// <summary>IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY_IN_PROGRESS or IDEMPOTENCY_KEY_TASK_GONE.</summary>
    public string Code { get; } = code;
}
