using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>
/// The key was used before, within its window, for a different request body: the first request's outcome stands and
/// this one is refused rather than silently creating something else.
/// </summary>
public sealed class IdempotencyKeyReusedException(string key) : IdempotencyConflictException(key, "IDEMPOTENCY_KEY_REUSED",
    $"The Idempotency-Key '{key}' was already used for a different request; use a new key for a new request.");
