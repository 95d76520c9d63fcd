using Azure.Data.Tables;
using FuncTasks.Core;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Durable;

/// <summary>
/// A LocalHost in process on the Durable runner whatever FUNCTASKS_TEST_RUNNER says, with a task hub of its own on the
/// given engine backend, the test actions <c>count</c> and <c>block</c>, and a recorder of its orchestrations' histories.
/// </summary>
public sealed class DurableHost : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public DurableHost(string backend, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        Backend = backend;
        TaskHub = "h" + Guid.NewGuid().ToString("N")[..16];
        var all = Settings(backend, TaskHub);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        App = new FuncTasksApp(all, s =>
        {
            s.AddSingleton(Recorder);
            s.ConfigureAll<GrpcDurableTaskWorkerOptions>(o => o.Interceptors.Add(Recorder));
            s.AddSingleton<IStepAction>(Count);
            s.AddSingleton<IStepAction>(Block);
            services?.Invoke(s);
        });
        Client = App.Operator();
    }

    public string Backend { get; }

    public string TaskHub { get; }

    public FuncTasksApp App { get; }

    public HttpClient Client { get; }

    public OrchestrationHistoryRecorder Recorder { get; } = new();

    public CountingStepAction Count { get; } = new();

    public BlockingStepAction Block { get; } = new();

    public DurableTaskClient Durable => App.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The settings that put a LocalHost on the Durable runner with a task hub of its own (3-45 letters and digits).</summary>
    public static Dictionary<string, string?> Settings(string backend, string taskHub) => new()
    {
        ["FuncTasks:Runner:Kind"] = "Durable",
        ["FuncTasks:Runner:Durable:Backend"] = backend,
        ["FuncTasks:Runner:Durable:TaskHub"] = taskHub,
        ["FuncTasks:Runner:Durable:PartitionCount"] = "1",
        ["FuncTasks:Runner:Durable:MaxQueuePollingInterval"] = "00:00:00.200",
    };

    /// <summary>
    /// The history of the instance's current execution as the Azure Storage backend stored it (table <c>&lt;hub&gt;History</c>,
    /// one partition per instance, a row per event in order). A new execution for the same instance id writes over the
    /// rows of the one before (rows past its length stay behind, with the old execution id), so only the rows of the
    /// execution that started last count; the backend's sentinel row (no event type) is left out.
    /// </summary>
    public async Task<IReadOnlyList<HistoryEntry>> StoredHistoryAsync(string instanceId)
    {
        var table = App.Services.GetRequiredService<TableServiceClient>().GetTableClient(TaskHub + "History");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}")))
        {
            if (row.GetString("EventType") is { Length: > 0 })
            {
                rows.Add(row);
            }
        }

        var current = rows.FirstOrDefault(r => r.GetString("EventType") == "ExecutionStarted")?.GetString("ExecutionId");
        return [.. rows
            .Where(r => r.GetString("ExecutionId") == current)
            .OrderBy(r => r.RowKey, StringComparer.Ordinal)
            .Select(r => new HistoryEntry(
                r.GetString("ExecutionId") ?? string.Empty,
                r.GetString("EventType"),
                r.GetString("EventType") is "ExecutionStarted" or "TaskScheduled" or "EventRaised" ? r.GetString("Name") : null,
                r.GetString("EventType") == "EventRaised" ? r.GetString("Input") : null))];
    }

    public async Task<OrchestrationMetadata> WaitForInstanceAsync(string instanceId, Func<OrchestrationMetadata, bool> done, TimeSpan? timeout = null) =>
        (await Eventually.Value(() => Durable.GetInstanceAsync(instanceId), instance => instance is not null && done(instance),
            $"orchestration {instanceId} reaches the expected state", timeout ?? Deadline, describe: instance => instance?.RuntimeStatus.ToString() ?? "none"))!;

    /// <summary>The task row as stored, read straight from the table (for when the API cannot read the task).</summary>
    public Task<TableEntity> WaitForTaskRowAsync(string taskId, string status, TimeSpan? timeout = null) =>
        Eventually.Value(async () => (await App.TasksTable.GetEntityAsync<TableEntity>(taskId, "task")).Value, row => row.GetString("Status") == status,
            $"the row of task {taskId} becomes {status}", timeout ?? Deadline, describe: row => row.GetString("Status") ?? "no status");

    public async ValueTask DisposeAsync()
    {
        Block.Release();
        Client.Dispose();
        await App.DisposeAsync();
    }
}
