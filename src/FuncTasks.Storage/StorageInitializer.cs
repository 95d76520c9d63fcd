using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Storage;

/// <summary>Creates the tables and the run queue when the host starts (idempotent).</summary>
public sealed partial class StorageInitializer(
    TableServiceClient tables, QueueServiceClient queues, IOptions<StorageOptions> options, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await tables.CreateTableIfNotExistsAsync(o.TasksTable, cancellationToken);
        await tables.CreateTableIfNotExistsAsync(o.WorkflowsTable, cancellationToken);
        await tables.CreateTableIfNotExistsAsync(o.IdempotencyTable, cancellationToken);
        await queues.GetQueueClient(o.QueueName).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        LogReady(o.TasksTable, o.QueueName, tables.Uri);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage ready: table {Table}, queue {Queue} at {Endpoint}")]
    private partial void LogReady(string table, string queue, Uri endpoint);
}
