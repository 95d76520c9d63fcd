using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using FuncTasks.Core;
using FuncTasks.Core.Notifications;
using Microsoft.Extensions.Options;

namespace FuncTasks.Storage.Notifications;

/// <summary>
/// Subscriptions, their figures, delivery log and cursors in the subscriptions table; the pending-events markers in the
/// tasks table (each in its task's partition). Every replace and delete carries the row's ETag.
/// </summary>
public sealed class TableNotificationStore(TableServiceClient service, IOptions<StorageOptions> storage, IOptions<NotificationOptions> options)
    : ISubscriptionStore, INotificationOutbox
{
    private readonly TableClient _subscriptions = service.GetTableClient(storage.Value.SubscriptionsTable);
    private readonly TableClient _tasks = service.GetTableClient(storage.Value.TasksTable);

    public async Task<Subscription> CreateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var response = await _subscriptions.AddEntityAsync(NotificationEntities.ToEntity(subscription), cancellationToken);
        return subscription with { ETag = response.Headers.ETag?.ToString() };
    }

    public async Task<Subscription?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await _subscriptions.GetEntityIfExistsAsync<TableEntity>(NotificationEntities.SubscriptionPartition, id.ToString("D"), cancellationToken: cancellationToken);
        return row.HasValue ? NotificationEntities.ToSubscription(row.Value!) : null;
    }

    public async Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<Subscription>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {NotificationEntities.SubscriptionPartition}");
        await foreach (var row in _subscriptions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(NotificationEntities.ToSubscription(row));
            if (list.Count >= options.Value.MaxSubscriptions * 2)
            {
                break;
            }
        }

        return list.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToList();
    }

    public async Task<Subscription> UpdateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        try
        {
            var response = await _subscriptions.UpdateEntityAsync(NotificationEntities.ToEntity(subscription), NotificationEntities.IfMatch(subscription.ETag),
                TableUpdateMode.Replace, cancellationToken);
            return subscription with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            throw new ConcurrencyConflictException($"Subscription {subscription.Id} changed meanwhile (HTTP {ex.Status}).", ex);
        }
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var existing = await _subscriptions.GetEntityIfExistsAsync<TableEntity>(NotificationEntities.SubscriptionPartition, id.ToString("D"), cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            return false;
        }

        try
        {
            await _subscriptions.DeleteEntityAsync(NotificationEntities.SubscriptionPartition, id.ToString("D"), ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }

        // Its figures, cursors and log: nothing reads them once the subscription is gone. A dispatcher may be deleting a
        // cursor at the same time: rows already gone are fine.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {id.ToString("D")}");
        await foreach (var row in _subscriptions.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await _subscriptions.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }
        }

        return true;
    }

    public async Task<SubscriptionFigures> GetFiguresAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await _subscriptions.GetEntityIfExistsAsync<TableEntity>(id.ToString("D"), NotificationEntities.FiguresRowKey, cancellationToken: cancellationToken);
        return row.HasValue ? NotificationEntities.ToFigures(row.Value!) : new SubscriptionFigures();
    }

    public async Task<SubscriptionFigures?> TryUpdateFiguresAsync(Guid id, SubscriptionFigures figures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var entity = NotificationEntities.ToEntity(id, figures);
        try
        {
            var response = figures.ETag is null
                ? await _subscriptions.AddEntityAsync(entity, cancellationToken)
                : await _subscriptions.UpdateEntityAsync(entity, new ETag(figures.ETag), TableUpdateMode.Replace, cancellationToken);
            return figures with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return null;
        }
    }

    public async Task AddDeliveryAsync(DeliveryAttempt attempt, CancellationToken cancellationToken) =>
        await _subscriptions.AddEntityAsync(NotificationEntities.ToEntity(attempt), cancellationToken);

    public async Task<IReadOnlyList<DeliveryAttempt>> RecentDeliveriesAsync(Guid id, int max, CancellationToken cancellationToken)
    {
        var list = new List<DeliveryAttempt>();
        await foreach (var row in _subscriptions.QueryAsync<TableEntity>(DeliveriesFilter(id), maxPerPage: Math.Clamp(max, 1, 1000), cancellationToken: cancellationToken))
        {
            if (list.Count >= max)
            {
                break;
            }

            list.Add(NotificationEntities.ToAttempt(row));
        }

        return list;
    }

    public async Task TrimDeliveriesAsync(Guid id, int keep, CancellationToken cancellationToken)
    {
        var seen = 0;
        var old = new List<TableTransactionAction>();
        await foreach (var row in _subscriptions.QueryAsync<TableEntity>(DeliveriesFilter(id), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (++seen > keep)
            {
                old.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            }
        }

        foreach (var batch in old.Chunk(100))
        {
            try
            {
                await _subscriptions.SubmitTransactionAsync(batch, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Another host trimmed some of them first; the next sweep trims what is left.
            }
        }
    }

    public async Task<OutboxMarker?> GetMarkerAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var row = await _tasks.GetEntityIfExistsAsync<TableEntity>(taskId.ToString("D"), NotificationEntities.MarkerRowKey, cancellationToken: cancellationToken);
        return row.HasValue ? NotificationEntities.ToMarker(row.Value!) : null;
    }

    public async Task<OutboxMarker?> TryReplaceMarkerAsync(OutboxMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        try
        {
            var response = await _tasks.UpdateEntityAsync(NotificationEntities.ToEntity(marker), NotificationEntities.IfMatch(marker.ETag), TableUpdateMode.Replace, cancellationToken);
            return marker with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<Guid> PendingTasksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {NotificationEntities.MarkerRowKey} and Pending eq {true}");
        await foreach (var row in _tasks.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            if (Guid.TryParse(row.PartitionKey, out var id))
            {
                yield return id;
            }
        }
    }

    public async Task<DeliveryCursor?> GetCursorAsync(Guid subscriptionId, Guid taskId, CancellationToken cancellationToken)
    {
        var row = await _subscriptions.GetEntityIfExistsAsync<TableEntity>(subscriptionId.ToString("D"), NotificationEntities.CursorRowKey(taskId), cancellationToken: cancellationToken);
        return row.HasValue ? NotificationEntities.ToCursor(row.Value!) : null;
    }

    public async Task<DeliveryCursor?> TryAddCursorAsync(DeliveryCursor cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        try
        {
            var response = await _subscriptions.AddEntityAsync(NotificationEntities.ToEntity(cursor), cancellationToken);
            return cursor with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    public async Task<DeliveryCursor?> TryReplaceCursorAsync(DeliveryCursor cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        try
        {
            var response = await _subscriptions.UpdateEntityAsync(NotificationEntities.ToEntity(cursor), NotificationEntities.IfMatch(cursor.ETag), TableUpdateMode.Replace, cancellationToken);
            return cursor with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    public async Task<bool> TryDeleteCursorAsync(DeliveryCursor cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        try
        {
            await _subscriptions.DeleteEntityAsync(cursor.SubscriptionId.ToString("D"), NotificationEntities.CursorRowKey(cursor.TaskId), NotificationEntities.IfMatch(cursor.ETag), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return true;
        }
    }

    public async IAsyncEnumerable<DeliveryCursor> CursorsAsync(Guid subscriptionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {subscriptionId.ToString("D")} and RowKey ge {NotificationEntities.CursorPrefix} and RowKey lt {NotificationEntities.CursorEnd}");
        await foreach (var row in _subscriptions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return NotificationEntities.ToCursor(row);
        }
    }

    private static string DeliveriesFilter(Guid id) => TableClient.CreateQueryFilter(
        $"PartitionKey eq {id.ToString("D")} and RowKey ge {NotificationEntities.DeliveryPrefix} and RowKey lt {NotificationEntities.DeliveryEnd}");
}
