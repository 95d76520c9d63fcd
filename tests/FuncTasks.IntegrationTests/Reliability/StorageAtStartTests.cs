using System.Net;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Flatfile;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>A host started while storage is down waits for it (one warning) and serves once it is back, instead of crashing.</summary>
public sealed class StorageAtStartTests
{
    [Fact]
    public async Task A_host_started_during_an_outage_waits_for_storage_then_serves()
    {
        var (connection, tables, queues) = StorageProxy.InFrontOfAzurite();
        await using var _ = tables;
        await using var __ = queues;
        tables.Mode = StorageMode.Refuse;
        queues.Mode = StorageMode.Refuse;
        var logs = new CapturedLogs();
        await using var app = new FuncTasksApp(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["FuncTasks:Storage:Retry:MaxRetries"] = "1",
            ["FuncTasks:Storage:Retry:Delay"] = "00:00:00.050",
            ["Logging:LogLevel:FuncTasks.Storage.StorageInitializer"] = "Information",
        }, services => services.AddSingleton<ILoggerProvider>(logs));

        var starting = Task.Run(app.Operator);
        await Eventually.Until(() => logs.Entries.Any(e => e.Message.Contains("unavailable at start", StringComparison.Ordinal)), "the host logged that storage is unavailable at start", every: TimeSpan.FromMilliseconds(25));
        Assert.False(starting.IsCompleted);

        tables.Mode = StorageMode.Up;
        queues.Mode = StorageMode.Up;
        var client = await starting.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks")).StatusCode);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("unavailable at start", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Message.StartsWith("Storage ready", StringComparison.Ordinal));
    }
}
