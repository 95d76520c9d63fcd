using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Flatfile;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>
/// A run message that another worker receives while a step runs (here: the queue was away longer than the visibility
/// timeout, and the test plays the other worker). The running step is not interrupted: it finishes once and stores
/// its outcome; this worker starts no further step; whoever holds the message next carries on from that outcome.
/// </summary>
public sealed class LostMessageTests
{
    private const string LostLine = "the run message is no longer this worker's";

    [Fact]
    [Trait("Runner", "Queue")] // run messages and their leases are the queue runner's
    public async Task A_message_taken_by_another_worker_lets_the_running_step_finish_once_and_the_run_carries_on_from_it()
    {
        var (connection, tables, queues) = StorageProxy.InFrontOfAzurite();
        await using var _ = tables;
        await using var __ = queues;
        await using var target = await TargetServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        target.OnCall = path => path == "/hold" ? release.Task : Task.CompletedTask;
        var logs = new CapturedLogs();
        await using var app = new FuncTasksApp(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["FuncTasks:Runner:VisibilityTimeout"] = "00:00:02",
            ["FuncTasks:Storage:Retry:MaxRetries"] = "1",
            ["FuncTasks:Storage:Retry:Delay"] = "00:00:00.050",
            ["FuncTasks:Engine:OutageBackoffMax"] = "00:00:00.300",
        }, services => services.AddSingleton<ILoggerProvider>(logs));
        var client = app.Operator();
        var id = (await client.CreateTaskAsync(TestApi.Task("lost message",
            TestApi.HttpStep("hold", target.Url("hold")), TestApi.HttpStep("after", target.Url("after")))))["id"].Str();
        await target.Entered("hold").WaitAsync(TimeSpan.FromSeconds(30));

        // The queue is away longer than the visibility timeout: the message reappears, and another worker takes it.
        queues.Mode = StorageMode.Refuse;
        var otherWorker = new QueueClient(Azurite.ConnectionString, app.Settings["FuncTasks:Storage:QueueName"]);
        var stolen = await ReceiveAsync(otherWorker);
        queues.Mode = StorageMode.Up;
        await Eventually.Until(() => logs.Entries.Any(e => e.Message.Contains(LostLine, StringComparison.Ordinal)), "the host logged the lost run message", every: TimeSpan.FromMilliseconds(25));

        release.SetResult();
        var afterFirst = await client.WaitForTaskAsync(id, t => t["subTasks"]![0]!["status"].Str() == "SUCCESSFUL");
        Assert.Equal("IN_PROGRESS", afterFirst["status"].Str());
        Assert.Equal(0, target.Cancelled("hold"));
        Assert.Equal(0, target.Calls("after"));

        // The other worker hands the message back (as if it had crashed): the run carries on from the stored outcome.
        await otherWorker.UpdateMessageAsync(stolen.MessageId, stolen.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        await client.WaitForStatusAsync(id, "SUCCESSFUL");
        Assert.Equal(1, target.Calls("hold"));
        Assert.Equal(1, target.Calls("after"));
        Assert.Single(logs.Entries, e => e.Message.Contains(LostLine, StringComparison.Ordinal));
    }

    private static async Task<QueueMessage> ReceiveAsync(QueueClient queue) =>
        (await Eventually.Value(async () => (await queue.ReceiveMessageAsync(TimeSpan.FromMinutes(1))).Value, m => m is not null,
            "the run message became visible to another worker", every: TimeSpan.FromMilliseconds(100), describe: _ => "no message"))!;
}
