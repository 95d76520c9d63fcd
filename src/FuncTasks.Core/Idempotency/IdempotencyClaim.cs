using FuncTasks.Core.Model;

namespace FuncTasks.Core.Idempotency;

/// <summary>
/// The record of a key: the task id reserved for it, the fingerprint of the request that reserved it, when, and
/// the row's ETag (so an expired record is replaced, and a failed first request releases it, without racing).
/// </summary>
public sealed record IdempotencyClaim(string Scope, string Key, string Fingerprint, Guid TaskId, DateTimeOffset CreatedAt, string? ETag, bool IsNew)
{
    /// <summary>The task was created (the first request got that far): if it is gone now, it was deleted, not never made.</summary>
    public bool TaskCreated { get; init; }
}
