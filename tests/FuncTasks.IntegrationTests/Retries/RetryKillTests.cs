using Azure.Data.Tables;
using FuncTasks.IntegrationTests.Durable;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Retries;

/// <summary>
/// A LocalHost killed (SIGKILL) while a step waits for its next attempt: after a restart the attempt runs when it is due,
/// exactly once. On the queue runner the wait is the run message's visibility; on the Durable runner a durable timer.
/// </summary>
public sealed class RetryKillTests
{
    [Fact]
    public async Task A_host_killed_during_a_retry_wait_runs_the_retry_after_a_restart_exactly_once()
    {
        await using var target = await TargetServer.StartAsync();
        target.FailFirst("k", 1);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?>(TestRunner.IsDurable ? DurableHost.Settings("AzureStorage", "h" + suffix) : [])
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = "rk" + suffix,
            ["FuncTasks:Storage:QueueName"] = "rk" + suffix,
            ["FuncTasks:Runner:VisibilityTimeout"] = "00:00:03",
            ["FuncTasks:Runner:MaxPollInterval"] = "00:00:00.200",
            ["FuncTasks:Auth:Keys:0:Name"] = "op",
            ["FuncTasks:Auth:Keys:0:Secret"] = FuncTasksApp.OperatorKey,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
        };

        string taskId;
        await using (var first = await LocalHostProcess.StartAsync(settings))
        {
            using var client = Client(first.Url);
            taskId = (await client.CreateTaskAsync(TestApi.Task("retry survives a kill",
                TestApi.HttpStep("call", target.Url("k")).WithRetry(RetryTestApi.Policy(3, intervalSeconds: 4)))))["id"].Str();
            await client.WaitForTaskAsync(taskId, t => t["subTasks"]![0]!["nextAttemptAt"] is not null, TimeSpan.FromSeconds(60));
            if (TestRunner.IsDurable)
            {
                await WaitForTimerAsync(new TableServiceClient(Azurite.ConnectionString).GetTableClient("h" + suffix + "History"), taskId);
            }

            await first.KillAsync();
        }

        Assert.Equal(1, target.Calls("k"));
        await using var second = await LocalHostProcess.StartAsync(settings);
        using var again = Client(second.Url);
        await again.WaitForStatusAsync(taskId, "SUCCESSFUL", TimeSpan.FromSeconds(90));

        Assert.Equal(2, target.Calls("k"));
        var attempts = await again.AttemptsAsync(taskId);
        Assert.Equal(["FAILED", "COMPLETED"], attempts.Select(a => a.Status));
        Assert.True(attempts[1].StartedAt - attempts[0].FinishedAt >= TimeSpan.FromSeconds(4), $"wait {attempts[1].StartedAt - attempts[0].FinishedAt}");
    }

    private static Task WaitForTimerAsync(TableClient history, string taskId) =>
        Eventually.Until(
            async () =>
            {
                await foreach (var _ in history.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {taskId} and EventType eq 'TimerCreated'")))
                {
                    return true;
                }

                return false;
            },
            "the retry's durable timer to be created",
            DurableHost.Deadline);

    private static HttpClient Client(string url)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FuncTasksApp.OperatorKey);
        return client;
    }
}
