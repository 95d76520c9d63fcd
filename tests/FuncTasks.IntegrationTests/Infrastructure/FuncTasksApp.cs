using System.Net.Http.Headers;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>
/// The LocalHost in process (its real Program, storage and queue runner) against the shared Azurite,
/// with tables and queue of its own so tests never see each other's tasks.
/// </summary>
public class FuncTasksApp : WebApplicationFactory<Program>
{
    public const string OperatorKey = "test-operator-secret";
    public const string ReaderKey = "test-reader-secret";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public FuncTasksApp(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        var id = Guid.NewGuid().ToString("N")[..12];
        _settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = "t" + id,
            ["FuncTasks:Storage:QueueName"] = "q" + id,
            ["FuncTasks:Runner:Workers"] = "4",
            ["FuncTasks:Runner:MaxPollInterval"] = "00:00:00.200",
            ["FuncTasks:Auth:Keys:0:Name"] = "test-operator",
            ["FuncTasks:Auth:Keys:0:Secret"] = OperatorKey,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
            ["FuncTasks:Auth:Keys:1:Name"] = "test-reader",
            ["FuncTasks:Auth:Keys:1:Secret"] = ReaderKey,
            ["FuncTasks:Auth:Keys:1:Role"] = "reader",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (TestRunner.IsDurable)
        {
            // The same flows on the Durable runner: a task hub of this app's own on the same Azurite.
            _settings["FuncTasks:Runner:Kind"] = "Durable";
            _settings["FuncTasks:Runner:Durable:TaskHub"] = "h" + id;
            _settings["FuncTasks:Runner:Durable:PartitionCount"] = "1";
            _settings["FuncTasks:Runner:Durable:MaxQueuePollingInterval"] = "00:00:00.200";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        Prefix = _settings["FuncTasks:Storage:TablePrefix"]!;
    }

    public string Prefix { get; }

    public IReadOnlyDictionary<string, string?> Settings => _settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public HttpClient Operator() => Client(OperatorKey);

    public HttpClient Reader() => Client(ReaderKey);

    public HttpClient Anonymous() => CreateClient();

    public HttpClient Client(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public TableClient TasksTable => Services.GetRequiredService<TableServiceClient>().GetTableClient(Prefix + "Tasks");

    public async Task<int> CountTaskRowsAsync()
    {
        var count = 0;
        await foreach (var _ in TasksTable.QueryAsync<TableEntity>(filter: "RowKey eq 'task'", select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }
}
