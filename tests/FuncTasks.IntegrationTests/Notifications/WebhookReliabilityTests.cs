using System.Net.Http.Headers;
using FuncTasks.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace FuncTasks.IntegrationTests.Notifications;

/// <summary>
/// Webhooks with real LocalHost processes on one storage account: a host killed with a delivery in flight, and two hosts
/// dispatching the same tasks' events. On the runner of this test run.
/// </summary>
public sealed class WebhookReliabilityTests(ITestOutputHelper output)
{
    private static Dictionary<string, string?> Settings(string id)
    {
        var settings = new Dictionary<string, string?>(SubscriptionTestApi.FastSettings())
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = "wh" + id,
            ["FuncTasks:Storage:QueueName"] = "wh" + id,
            ["FuncTasks:Runner:MaxPollInterval"] = "00:00:00.200",
            ["FuncTasks:RateLimit:Enabled"] = "false",
            ["FuncTasks:Auth:Keys:0:Name"] = "op",
            ["FuncTasks:Auth:Keys:0:Secret"] = FuncTasksApp.OperatorKey,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
        };
        if (TestRunner.IsDurable)
        {
            settings["FuncTasks:Runner:Kind"] = "Durable";
            settings["FuncTasks:Runner:Durable:TaskHub"] = "wh" + id;
            settings["FuncTasks:Runner:Durable:PartitionCount"] = "1";
            settings["FuncTasks:Runner:Durable:MaxQueuePollingInterval"] = "00:00:00.200";
        }

        return settings;
    }

    private static HttpClient ClientOf(LocalHostProcess host)
    {
        var client = new HttpClient { BaseAddress = new Uri(host.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FuncTasksApp.OperatorKey);
        return client;
    }

    [Fact]
    public async Task A_host_killed_right_after_a_task_finishes_delivers_its_event_after_restart()
    {
        await using var target = await TargetServer.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = Settings(Guid.NewGuid().ToString("N")[..12]);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Hold = hold;

        string taskId;
        await using (var first = await LocalHostProcess.StartAsync(settings))
        {
            using var client = ClientOf(first);
            await client.SubscribeAsync(receiver.Url("hook"), events: ["task.succeeded"]);
            var task = await client.CreateTaskAsync(SubscriptionTestApi.PassingTask(target));
            taskId = task["id"].Str();
            await client.WaitForStatusAsync(taskId, "SUCCESSFUL", TimeSpan.FromSeconds(60));

            // The delivery is in flight (the receiver holds it): the host dies before it has an answer.
            await Eventually.Until(() => receiver.Arrived("hook") > 0, "a delivery reached the receiver before the kill");

            await first.KillAsync();
        }

        receiver.Hold = null;
        hold.SetResult();
        await using var second = await LocalHostProcess.StartAsync(settings);
        var calls = await receiver.WaitForAsync("hook", c => c.Any(r => r.Status == 200), TimeSpan.FromSeconds(60));
        output.WriteLine($"delivered after restart: {string.Join(", ", calls.Select(c => $"{c.Type} {c.Id}"))}");
        var delivered = Assert.Single(calls);
        Assert.Equal("functasks.task.succeeded", delivered.Type);
        Assert.Equal(taskId, delivered.Subject);
    }

    [Fact]
    public async Task Two_hosts_on_one_storage_account_deliver_each_event_once_in_order_per_task()
    {
        const int tasks = 8;
        await using var target = await TargetServer.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = Settings(Guid.NewGuid().ToString("N")[..12]);
        await using var a = await LocalHostProcess.StartAsync(settings);
        await using var b = await LocalHostProcess.StartAsync(settings);
        using var clientA = ClientOf(a);
        using var clientB = ClientOf(b);
        var subscription = await clientA.SubscribeAsync(receiver.Url("hook"));

        var ids = new List<string>();
        for (var i = 0; i < tasks; i++)
        {
            var task = await (i % 2 == 0 ? clientA : clientB).CreateTaskAsync(SubscriptionTestApi.PassingTask(target, $"t{i}"));
            ids.Add(task["id"].Str());
        }

        foreach (var id in ids)
        {
            await clientA.WaitForStatusAsync(id, "SUCCESSFUL", TimeSpan.FromSeconds(60));
        }

        string[] expected = ["functasks.task.created", "functasks.task.started", "functasks.step.started", "functasks.step.succeeded", "functasks.task.succeeded"];
        var calls = await receiver.WaitForAsync("hook", c => c.Count >= tasks * expected.Length, TimeSpan.FromSeconds(60));
        // Both hosts' sweeps have looked again since (their figures agree with what arrived): no late second delivery.
        await Eventually.Value(
            async () => (long?)(await clientB.GetJsonAsync($"/v1/subscriptions/{subscription["id"].Str()}"))["deliveries"]!["delivered"],
            delivered => delivered >= calls.Count, "the figures counted every delivery", describe: delivered => $"{delivered} delivered of {calls.Count}");

        calls = receiver.At("hook");
        foreach (var twice in calls.GroupBy(c => c.Id).Where(g => g.Count() > 1))
        {
            output.WriteLine($"delivered {twice.Count()} times: {twice.Key} {twice.First().Type}");
        }

        Assert.Equal(tasks * expected.Length, calls.Count);
        Assert.Equal(calls.Count, calls.Select(c => c.Id).Distinct().Count());
        foreach (var id in ids)
        {
            Assert.Equal(expected, calls.Where(c => c.Subject == id).Select(c => c.Type).ToArray());
        }
    }
}
