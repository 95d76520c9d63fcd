using System.ComponentModel.DataAnnotations;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Idempotency;

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
