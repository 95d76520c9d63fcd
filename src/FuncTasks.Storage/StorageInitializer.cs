using Azure.Data.Tables;
using Azure.Storage.Queues;
using FuncTasks.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Storage;

/// <summary>
/// Creates the tables and the run queue when the host starts (idempotent). A host started while storage is down
/// waits for it (bounded back-off, one warning) instead of crashing into a restart loop; it starts serving once the
/// tables exist.
/// </summary>
public sealed partial class StorageInitializer(
    TableServiceClient tables, QueueServiceClient queues, IOptions<StorageOptions> options, IStorageFaults faults, TimeProvider time,
    ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var tries = await StartupRetry.RunAsync(
            async () =>
            {
                await tables.CreateTableIfNotExistsAsync(o.TasksTable, cancellationToken);
                await tables.CreateTableIfNotExistsAsync(o.WorkflowsTable, cancellationToken);
                await tables.CreateTableIfNotExistsAsync(o.IdempotencyTable, cancellationToken);
                await tables.CreateTableIfNotExistsAsync(o.SubscriptionsTable, cancellationToken);
                await queues.GetQueueClient(o.QueueName).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            },
            faults.IsUnavailable,
            (ex, tries, _) =>
            {
                if (tries == 1)
                {
                    LogWaiting(tables.Uri, ex.Message);
                }
            },
            time,
            cancellationToken);
        LogReady(o.TasksTable, o.QueueName, tables.Uri, tries);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage ready: table {Table}, queue {Queue} at {Endpoint} (after {Tries} tries)")]
    private partial void LogReady(string table, string queue, Uri endpoint, int tries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage at {Endpoint} is unavailable at start ({Cause}); waiting for it before serving")]
    private partial void LogWaiting(Uri endpoint, string cause);
}
