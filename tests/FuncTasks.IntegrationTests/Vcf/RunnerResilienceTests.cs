using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Vcf;

public sealed class RunnerResilienceTests
{
    [Fact]
    public async Task A_host_killed_while_a_step_runs_resumes_the_task_at_that_step_after_a_restart()
    {
        await using var target = await TargetServer.StartAsync();
        var id = Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = "crash" + id,
            ["FuncTasks:Storage:QueueName"] = "crash" + id,
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
            var created = await client.CreateTaskAsync(TestApi.Task("survives a crash",
                TestApi.HttpStep("before", target.Url("before")), TestApi.DelayStep("long", 8), TestApi.HttpStep("after", target.Url("after"))));
            taskId = created["id"].Str();
            await client.WaitForTaskAsync(taskId, t => t["subTasks"]![1]!["status"].Str() == "IN_PROGRESS", TimeSpan.FromSeconds(90));

            await first.KillAsync();
        }

        await using var second = await LocalHostProcess.StartAsync(settings);
        using var again = Client(second.Url);
        var done = await again.WaitForStatusAsync(taskId, "SUCCESSFUL", TimeSpan.FromSeconds(120));

        Assert.All(done["subTasks"]!.AsArray(), s => Assert.Equal("SUCCESSFUL", s!["status"].Str()));
        Assert.Equal(1, target.Calls("before"));
        Assert.Equal(1, target.Calls("after"));
        var attempts = await AttemptOutcomesAsync(settings, taskId, stepIndex: 1);
        Assert.Equal(["Started", "Completed"], attempts);
    }

    [Fact]
    [Trait("Runner", "Queue")] // run messages are the queue runner's; the Durable runner's counterpart is DurableRunnerTests' broken run
    public async Task A_run_message_that_keeps_failing_marks_the_task_failed_instead_of_looping()
    {
        await using var app = new FuncTasksApp(new Dictionary<string, string?>
        {
            ["FuncTasks:Runner:MaxDequeueCount"] = "2",
            ["FuncTasks:Runner:FailureBackoff"] = "00:00:00.100",
        });
        var client = app.Operator();
        var table = app.TasksTable;
        var queue = app.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(app.Settings["FuncTasks:Storage:QueueName"]);

        // A task whose step row cannot be read (a corrupt row): every delivery of its run fails.
        var created = await client.CreateTaskAsync(TestApi.Task("poisoned", TestApi.DelayStep("wait", 30)));
        var taskId = created["id"].Str();
        await client.WaitForTaskAsync(taskId, t => t["subTasks"]![0]!["status"].Str() == "IN_PROGRESS");
        await client.DeleteAsync($"/v1/tasks/{taskId}");
        var poisoned = Guid.Parse(taskId);
        await CorruptCopyAsync(table, poisoned);
        await queue.SendMessageAsync(new JsonObject { ["taskId"] = poisoned.ToString(), ["generation"] = 7 }.ToJsonString());

        // The API cannot show a task whose rows are corrupt (that is a 500 with a reference), so read the task row.
        var row = await WaitForTaskRowAsync(table, poisoned, "Failed");

        Assert.Contains("delivered 3 times without recording an outcome", row.GetString("Error"));
        Assert.Contains("FuncTasks.PoisonMessage", row.GetString("Error"));
        await WaitUntilQueueEmptyAsync(queue);
    }

    private static async Task CorruptCopyAsync(TableClient table, Guid taskId)
    {
        var pk = taskId.ToString();
        var task = (await table.GetEntityAsync<TableEntity>(pk, "task")).Value;
        task["Status"] = "InProgress";
        task["Generation"] = 7;
        await table.UpdateEntityAsync(task, task.ETag, TableUpdateMode.Replace);
        var step = (await table.GetEntityAsync<TableEntity>(pk, "step-000")).Value;
        step["Params"] = "{this is not json";
        step["Status"] = "Pending";
        await table.UpdateEntityAsync(step, step.ETag, TableUpdateMode.Replace);
    }

    private static Task<TableEntity> WaitForTaskRowAsync(TableClient table, Guid taskId, string status) =>
        Eventually.Value(async () => (await table.GetEntityAsync<TableEntity>(taskId.ToString(), "task")).Value, row => row.GetString("Status") == status,
            $"the task row becomes {status}", describe: row => row.GetString("Status") ?? "no status");

    private static Task WaitUntilQueueEmptyAsync(QueueClient queue) =>
        Eventually.Value(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, n => n == 0,
            "the poison message was removed from the queue", describe: n => $"{n} message(s)");

    private static async Task<List<string>> AttemptOutcomesAsync(IReadOnlyDictionary<string, string?> settings, string taskId, int stepIndex)
    {
        var table = new TableServiceClient(settings["AzureWebJobsStorage"]).GetTableClient(settings["FuncTasks:Storage:TablePrefix"] + "Tasks");
        var outcomes = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>($"PartitionKey eq '{taskId}' and Kind eq 'attempt' and StepIndex eq {stepIndex}"))
        {
            outcomes.Add(row.GetString("Outcome"));
        }

        return outcomes;
    }

    private static HttpClient Client(string url)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FuncTasksApp.OperatorKey);
        return client;
    }
}
