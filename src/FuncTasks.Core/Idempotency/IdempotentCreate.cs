using System.ComponentModel.DataAnnotations;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Idempotency;

/// <summary>
/// One creating request that carries an <c>Idempotency-Key</c>: the key as sent, the scope it is unique in (caller
/// and endpoint) and the fingerprint of what was asked (method, route and body bytes).
/// </summary>
public sealed record IdempotencyRequest(string Scope, string Key, string Fingerprint);

/// <summary>
/// The record of a key: the task id reserved for it, the fingerprint of the request that reserved it, when, and
/// the row's ETag (so an expired record is replaced, and a failed first request releases it, without racing).
/// </summary>
public sealed record IdempotencyClaim(string Scope, string Key, string Fingerprint, Guid TaskId, DateTimeOffset CreatedAt, string? ETag, bool IsNew)
{
    /// <summary>The task was created (the first request got that far): if it is gone now, it was deleted, not never made.</summary>
    public bool TaskCreated { get; init; }
}

/// <summary>Where keys are remembered (a table in the storage account, one row per scope and key).</summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Inserts the claim for (scope, key) with <paramref name="proposedTaskId"/>; when one exists and is younger than
    /// <paramref name="window"/>, returns it (IsNew false) whatever its fingerprint; an older one is replaced
    /// (ETag-guarded). Concurrent claims of one key all return the same task id.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(IdempotencyRequest request, Guid proposedTaskId, DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Makes this request the owner of a claim whose task never appeared (same task id); null when someone else did first.</summary>
    Task<IdempotencyClaim?> TakeOverAsync(IdempotencyClaim claim, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records that the claim's task now exists (best effort: an outage here only delays nothing).</summary>
    Task MarkCreatedAsync(IdempotencyClaim claim, CancellationToken cancellationToken);

    /// <summary>Forgets a claim whose request created nothing (it was refused), if it is still the same row.</summary>
    Task ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken);
}

/// <summary>Configuration section <c>FuncTasks:Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "FuncTasks:Idempotency";

    /// <summary>How long a key is remembered: the same key and body within it returns the first result.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a request with a key whose first request is still creating waits for it before answering 409.</summary>
    public TimeSpan WaitForFirst { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After this long without its task, a reservation is presumed dead (its request failed, e.g. storage was down)
    /// and the next request with the key creates the task under the reserved id. Must exceed
    /// <c>FuncTasks:Api:RequestTimeout</c>, so the first request has ended by then.
    /// </summary>
    public TimeSpan TakeOverAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest accepted key (printable ASCII).</summary>
    [Range(1, 1024)]
    public int MaxKeyLength { get; set; } = 255;
}

/// <summary>What an idempotent create produced: the task, and whether it was created by an earlier request.</summary>
public sealed record IdempotentResult(TaskSnapshot Snapshot, bool Replayed);

/// <summary>
/// Creates a task at most once per key. The first request reserves a task id under the key and is the only one that
/// creates it; a request with the same key and body returns that task (replayed), waiting a moment while the first
/// request is still creating it (then 409 "in progress", as Stripe answers). A reservation whose task never appeared
/// (its request died between reserving and creating) is taken over, under the same id, after
/// <see cref="IdempotencyOptions.TakeOverAfter"/>. A different body with the same key is refused. A request that is
/// refused (4xx) releases its reservation, so the corrected request can use the key.
/// </summary>
public sealed partial class IdempotentCreate(IIdempotencyStore keys, ITaskStore tasks, TimeProvider time, IOptions<IdempotencyOptions> options, ILogger<IdempotentCreate> logger)
{
    public async Task<IdempotentResult> RunAsync(IdempotencyRequest? request, Func<Guid?, CancellationToken, Task<TaskSnapshot>> create, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return new IdempotentResult(await create(null, cancellationToken), Replayed: false);
        }

        var o = options.Value;
        var waitUntil = time.GetUtcNow() + o.WaitForFirst;
        var pause = TimeSpan.FromMilliseconds(20);
        IdempotencyClaim claim;
        while (true)
        {
            claim = await keys.ClaimAsync(request, TaskIds.NewTaskId(time), time.GetUtcNow(), o.Window, cancellationToken);
            if (!string.Equals(claim.Fingerprint, request.Fingerprint, StringComparison.Ordinal))
            {
                LogKeyReused(request.Key, claim.TaskId);
                throw new IdempotencyKeyReusedException(request.Key);
            }

            if (claim.IsNew)
            {
                break;
            }

            if (await tasks.GetAsync(claim.TaskId, includeAttempts: false, cancellationToken) is { } existing)
            {
                LogReplayed(request.Key, claim.TaskId);
                return new IdempotentResult(existing, Replayed: true);
            }

            if (claim.TaskCreated)
            {
                // Created by the first request and deleted since: replaying must not create it again.
                throw new IdempotencyConflictException(request.Key, "IDEMPOTENCY_KEY_TASK_GONE",
                    $"The task created with Idempotency-Key '{request.Key}' ({claim.TaskId}) no longer exists; use a new key to create another.");
            }

            var now = time.GetUtcNow();
            if (now - claim.CreatedAt >= o.TakeOverAfter && await keys.TakeOverAsync(claim, now, cancellationToken) is { } taken)
            {
                LogTakenOver(request.Key, claim.TaskId);
                claim = taken;
                break;
            }

            if (now >= waitUntil)
            {
                throw new IdempotencyConflictException(request.Key, "IDEMPOTENCY_KEY_IN_PROGRESS",
                    $"A request with Idempotency-Key '{request.Key}' is still in progress; retry it shortly.");
            }

            await Task.Delay(pause, time, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
        }

        try
        {
            var created = await create(claim.TaskId, cancellationToken);
            await keys.MarkCreatedAsync(claim, CancellationToken.None);
            return new IdempotentResult(created, Replayed: false);
        }
        catch (FuncTasksException)
        {
            await keys.ReleaseAsync(claim, CancellationToken.None);
            throw;
        }
    }

    /// <summary>A key is 1..MaxKeyLength printable ASCII characters (what Stripe and the IETF draft accept).</summary>
    public string? Problem(string key) =>
        string.IsNullOrWhiteSpace(key) || key.Length > options.Value.MaxKeyLength || key.Any(c => c is < (char)0x20 or > (char)0x7E)
            ? $"Idempotency-Key must be 1 to {options.Value.MaxKeyLength} printable ASCII characters."
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Idempotency-Key {Key} replayed: task {TaskId} was created by an earlier request")]
    private partial void LogReplayed(string key, Guid taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency-Key {Key} reused with a different request (first request: task {TaskId})")]
    private partial void LogKeyReused(string key, Guid taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency-Key {Key}: the first request never created task {TaskId}; this request takes over")]
    private partial void LogTakenOver(string key, Guid taskId);
}
