using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using FuncTasks.Core.Idempotency;
using Microsoft.Extensions.Options;

namespace FuncTasks.Storage;

/// <summary>
/// Idempotency keys in their own table: the partition key is a SHA-256 of (scope, key), so any key text is safe as a
/// key and the row is a point read; the first insert wins, an expired row is replaced only with its ETag.
/// Table Storage has no TTL: rows older than the window are overwritten when their key comes back and can be purged
/// by age (Timestamp) without harm.
/// </summary>
public sealed class TableIdempotencyStore(TableServiceClient service, IOptions<StorageOptions> options) : IIdempotencyStore
{
    private const string RowKey = "key";
    private const int MaxClaimRounds = 5;
    private readonly TableClient _table = service.GetTableClient(options.Value.IdempotencyTable);

    public async Task<IdempotencyClaim> ClaimAsync(IdempotencyRequest request, Guid proposedTaskId, DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(request.Scope, request.Key);
        for (var round = 0; ; round++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partition, RowKey, cancellationToken: cancellationToken);
            if (!existing.HasValue || existing.Value is null)
            {
                var entity = ToEntity(partition, request, proposedTaskId, now);
                try
                {
                    var added = await _table.AddEntityAsync(entity, cancellationToken);
                    return new IdempotencyClaim(request.Scope, request.Key, request.Fingerprint, proposedTaskId, now, added.Headers.ETag?.ToString(), IsNew: true);
                }
                catch (RequestFailedException conflict) when (conflict.Status == 409 && round < MaxClaimRounds)
                {
                    continue; // another request with this key got there first: read its claim
                }
            }
            else
            {
                var row = existing.Value;
                var createdAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue;
                if (now - createdAt < window)
                {
                    var fingerprint = row.GetString("Fingerprint") ?? string.Empty;
                    var taskId = row.GetGuid("TaskId") ?? Guid.Empty;
                    // Our own insert (or replace) landed and its answer was lost, so the SDK's retry met it: still ours
                    // (the proposed id is a fresh random one: no other request can have written it).
                    var ours = taskId == proposedTaskId && fingerprint == request.Fingerprint;
                    return new IdempotencyClaim(request.Scope, request.Key, fingerprint, taskId, createdAt, row.ETag.ToString(), IsNew: ours)
                    {
                        TaskCreated = row.GetBoolean("TaskCreated") == true,
                    };
                }

                try
                {
                    var replaced = await _table.UpdateEntityAsync(ToEntity(partition, request, proposedTaskId, now), row.ETag, TableUpdateMode.Replace, cancellationToken);
                    return new IdempotencyClaim(request.Scope, request.Key, request.Fingerprint, proposedTaskId, now, replaced.Headers.ETag?.ToString(), IsNew: true);
                }
                catch (RequestFailedException lost) when (lost.Status is 404 or 412 && round < MaxClaimRounds)
                {
                    continue; // someone else renewed or released it meanwhile
                }
            }
        }
    }

    public async Task<IdempotencyClaim?> TakeOverAsync(IdempotencyClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = new IdempotencyRequest(claim.Scope, claim.Key, claim.Fingerprint);
        try
        {
            var replaced = await _table.UpdateEntityAsync(ToEntity(PartitionOf(claim.Scope, claim.Key), request, claim.TaskId, now),
                claim.ETag is { } etag ? new ETag(etag) : throw new InvalidOperationException("A claim to take over needs its ETag."), TableUpdateMode.Replace, cancellationToken);
            return claim with { CreatedAt = now, ETag = replaced.Headers.ETag?.ToString(), IsNew = true };
        }
        catch (RequestFailedException lost) when (lost.Status is 404 or 412)
        {
            // A replace whose answer was lost meets its own ETag on the SDK's retry: still ours if the row says so.
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(claim.Scope, claim.Key), RowKey, cancellationToken: cancellationToken);
            return row.HasValue && row.Value is { } mine && mine.GetGuid("TaskId") == claim.TaskId && mine.GetDateTimeOffset("CreatedAt") == now
                   && mine.GetString("Fingerprint") == claim.Fingerprint
                ? claim with { CreatedAt = now, ETag = mine.ETag.ToString(), IsNew = true }
                : null;
        }
    }

    public async Task MarkCreatedAsync(IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await _table.UpdateEntityAsync(new TableEntity(PartitionOf(claim.Scope, claim.Key), RowKey) { ["TaskCreated"] = true },
                claim.ETag is { } etag ? new ETag(etag) : ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException changed) when (changed.Status is 404 or 412)
        {
            // Replaced or expired meanwhile: that row is someone else's now.
        }
    }

    public async Task ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(PartitionOf(claim.Scope, claim.Key), RowKey,
                claim.ETag is { } etag ? new ETag(etag) : ETag.All, cancellationToken);
        }
        catch (RequestFailedException gone) when (gone.Status is 404 or 412)
        {
            // Already replaced or removed: nothing of ours to release.
        }
    }

    private static string PartitionOf(string scope, string key) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + key)));

    private static TableEntity ToEntity(string partition, IdempotencyRequest request, Guid taskId, DateTimeOffset now) => new(partition, RowKey)
    {
        ["Scope"] = request.Scope,
        ["Fingerprint"] = request.Fingerprint,
        ["TaskId"] = taskId,
        ["CreatedAt"] = now,
    };
}
