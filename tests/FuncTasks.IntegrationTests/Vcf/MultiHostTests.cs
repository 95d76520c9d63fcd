using System.Net;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Vcf;

/// <summary>Several hosts share one table and one run queue, as several Function instances do.</summary>
public sealed class MultiHostTests
{
    private static Dictionary<string, string?> Shared(string id, bool runner = true) => new()
    {
        ["FuncTasks:Storage:TablePrefix"] = "multi" + id,
        ["FuncTasks:Storage:QueueName"] = "multi" + id,
        ["FuncTasks:Runner:Enabled"] = runner ? "true" : "false",
        ["FuncTasks:Runner:CancelCheckInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task Two_hosts_compete_for_one_queue_and_every_step_runs_exactly_once()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        await using var target = await TargetServer.StartAsync();
        await using var a = new FuncTasksApp(Shared(id));
        await using var b = new FuncTasksApp(Shared(id));
        var (clientA, clientB) = (a.Operator(), b.Operator());

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var client = i % 2 == 0 ? clientA : clientB;
            var task = await client.CreateTaskAsync(TestApi.Task($"shared {i}",
                TestApi.HttpStep("one", target.Url($"t{i}/one")), TestApi.HttpStep("two", target.Url($"t{i}/two"))));
            ids.Add(task["id"].Str());
        }

        foreach (var taskId in ids)
        {
            await clientA.WaitForStatusAsync(taskId, "SUCCESSFUL");
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal((1, 1), (target.Calls($"t{i}/one"), target.Calls($"t{i}/two")));
        }
    }

    [Fact]
    public async Task A_cancel_made_on_another_host_reaches_the_running_step()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        await using var target = await TargetServer.StartAsync();
        await using var worker = new FuncTasksApp(Shared(id));
        await using var apiOnly = new FuncTasksApp(Shared(id, runner: false));
        target.Respond("slow", 200, "late", TimeSpan.FromSeconds(30));
        var created = await worker.Operator().CreateTaskAsync(TestApi.Task("cancel elsewhere",
            TestApi.HttpStep("slow", target.Url("slow")), TestApi.HttpStep("after", target.Url("after"))));
        await target.Entered("slow").WaitAsync(TimeSpan.FromSeconds(30));

        var response = await apiOnly.Operator().DeleteAsync($"/v1/tasks/{created["id"].Str()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.Until(() => target.Cancelled("slow") > 0, "the running step on the other host was signalled", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20));

        Assert.Equal("CANCELLED", (await apiOnly.Operator().GetJsonAsync($"/v1/tasks/{created["id"].Str()}"))["status"].Str());
        Assert.Equal(0, target.Calls("after"));
    }
}
