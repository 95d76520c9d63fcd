using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace FuncTasks.IntegrationTests.Fuzz;

/// <summary>
/// Everything one app has stored: every row (table, PartitionKey, RowKey, ETag) of every table whose name starts
/// with the app's prefix (tasks, workflows, idempotency records, whatever is added later), and the number of
/// messages on its run queue. Other tests use tables of their own prefix on the same Azurite, so they can not
/// change it; any difference between two snapshots was made by this app.
/// </summary>
public sealed record StorageSnapshot(IReadOnlyList<string> Rows, int QueueMessages)
{
    public static async Task<StorageSnapshot> TakeAsync(TableServiceClient tables, QueueClient queue, string prefix)
    {
        var rows = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            if (!table.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                rows.Add($"{table.Name} {entity.PartitionKey} {entity.RowKey} {entity.ETag}");
            }
        }

        rows.Sort(StringComparer.Ordinal);
        var properties = await queue.GetPropertiesAsync();
        return new StorageSnapshot(rows, properties.Value.ApproximateMessagesCount);
    }

    /// <summary>Null when nothing changed; otherwise the rows added, removed or rewritten, and the queue's change.</summary>
    public string? Difference(StorageSnapshot after)
    {
        var added = after.Rows.Except(Rows, StringComparer.Ordinal).ToList();
        var removed = Rows.Except(after.Rows, StringComparer.Ordinal).ToList();
        if (added.Count == 0 && removed.Count == 0 && QueueMessages == after.QueueMessages)
        {
            return null;
        }

        return $"rows added or rewritten: [{string.Join(", ", added.Take(20))}]; rows removed or rewritten: [{string.Join(", ", removed.Take(20))}]; " +
            $"queue messages {QueueMessages} → {after.QueueMessages}";
    }
}
