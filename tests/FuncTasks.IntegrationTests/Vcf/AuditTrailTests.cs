using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Flatfile;
using FuncTasks.IntegrationTests.Cognaize;

namespace FuncTasks.IntegrationTests.Vcf;

/// <summary>
/// The audit trail (<c>GET /v1/tasks/{id}/events</c> and the process view's <c>events</c>): every change of a task and
/// its steps with who made it (the key's name, or "engine"), what and when, in order, written with the change itself.
/// </summary>
public sealed class AuditTrailTests() : AppTest(new FuncTasksApp(new Dictionary<string, string?>
{
    ["FuncTasks:Auth:Keys:2:Name"] = SecondOperator,
    ["FuncTasks:Auth:Keys:2:Secret"] = SecondOperatorKey,
    ["FuncTasks:Auth:Keys:2:Role"] = "operator",
}))
{
    private const string SecondOperator = "second-operator";
    private const string SecondOperatorKey = "test-second-operator-secret";
    private const string FirstOperator = "test-operator";

    [Fact]
    public async Task Created_by_one_key_failed_by_the_engine_restarted_with_new_params_by_another_and_succeeded_is_recorded_in_order()
    {
        Target.Respond("broken", 500, "database is down");
        var created = await Client.CreateTaskAsync(TestApi.Task("audited",
            TestApi.HttpStep("first", Target.Url("first")),
            TestApi.HttpStep("second", Target.Url("broken"))));
        var id = created["id"].Str();
        var failed = await Client.WaitForStatusAsync(id, "FAILED");
        var stepId = failed["subTasks"]![1]!["id"].Str();

        using var second = App.Client(SecondOperatorKey);
        var restart = await second.RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param(Target.Url("fixed")) });
        await restart.EnvelopeAsync(HttpStatusCode.OK);
        await Client.WaitForStatusAsync(id, "SUCCESSFUL");

        using var reader = App.Reader();
        var events = await reader.EventsAsync(id);

        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e["sequence"]!.GetValue<int>()));
        var times = events.Select(e => e["timestamp"].Time()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(events, e => Assert.EndsWith("Z", e["timestamp"].Str()));

        // Who, in turn: the creator, the engine running it to the failure, the key that restarted it, the engine again.
        Assert.Equal([FirstOperator, "engine", SecondOperator, "engine"], Runs(events.Select(e => e["actor"].Str())));

        var create = events[0];
        Assert.Equal("TASK_CREATED", create["kind"].Str());
        Assert.Equal("create", create["operation"].Str());
        Assert.Contains("audited", create["message"].Str());

        var stepFailed = Single(events, e => e["kind"].Str() == "STEP_STATUS_CHANGED" && e["toStatus"].Str() == "FAILED");
        Assert.Equal("engine", stepFailed["actor"].Str());
        Assert.Equal(stepId, stepFailed["subTaskId"].Str());
        Assert.Equal("second", stepFailed["subTaskName"].Str());
        Assert.Equal("IN_PROGRESS", stepFailed["fromStatus"].Str());
        Assert.Contains("database is down", stepFailed["message"].Str());
        var taskFailed = Single(events, e => e["kind"].Str() == "TASK_STATUS_CHANGED" && e["toStatus"].Str() == "FAILED");
        Assert.Equal("engine", taskFailed["actor"].Str());
        Assert.True(Seq(stepFailed) < Seq(taskFailed));

        var byRestart = events.Where(e => e["actor"].Str() == SecondOperator).ToList();
        Assert.All(byRestart, e => Assert.Equal("restart-failed-step", e["operation"].Str()));
        Assert.Equal(["TASK_STATUS_CHANGED", "STEP_PARAMS_CHANGED", "STEP_STATUS_CHANGED"], byRestart.Select(e => e["kind"].Str()));
        Assert.Equal(("FAILED", "IN_PROGRESS"), (byRestart[0]["fromStatus"].Str(), byRestart[0]["toStatus"].Str()));
        var paramsChanged = byRestart[1];
        Assert.Equal(stepId, paramsChanged["subTaskId"].Str());
        Assert.Equal(["url"], paramsChanged["params"]!.AsObject().Select(p => p.Key));
        Assert.Equal(Target.Url("fixed"), paramsChanged["params"]!["url"]!["strValue"].Str());
        Assert.Equal("STRING", paramsChanged["params"]!["url"]!["type"].Str());
        Assert.Equal(("FAILED", "IN_PROGRESS"), (byRestart[2]["fromStatus"].Str(), byRestart[2]["toStatus"].Str()));

        var last = events[^1];
        Assert.Equal(("TASK_STATUS_CHANGED", "IN_PROGRESS", "SUCCESSFUL", "engine"),
            (last["kind"].Str(), last["fromStatus"].Str(), last["toStatus"].Str(), last["actor"].Str()));
        var completedAgain = Single(events, e => e["subTaskId"].Str() == stepId && e["toStatus"].Str() == "SUCCESSFUL");
        Assert.True(Seq(completedAgain) > Seq(byRestart[2]));

        // The same trail in the Process view, in that dialect's words.
        var process = await reader.GetProcessAsync(id);
        var trail = process["events"]!.AsArray();
        Assert.Equal(events.Select(e => (Seq(e), e["kind"].Str(), e["actor"].Str())), trail.Select(e => (Seq(e!), e!["kind"].Str(), e["actor"].Str())));
        var processRestart = trail.Single(e => e!["kind"].Str() == "STEP_STATUS_CHANGED" && e["actor"].Str() == SecondOperator)!;
        Assert.Equal(("FAILED", "STARTED", stepId), (processRestart["fromStatus"].Str(), processRestart["toStatus"].Str(), processRestart["processStepId"].Str()));
        Assert.Equal("COMPLETED", trail[^1]!["toStatus"].Str());
    }

    [Fact]
    public async Task Retry_and_cancel_are_recorded_with_the_key_that_made_them()
    {
        Target.Respond("flaky", 503, "try later");
        var failing = (await Client.CreateTaskAsync(TestApi.Task("retried", TestApi.HttpStep("call", Target.Url("flaky")))))["id"].Str();
        await Client.WaitForStatusAsync(failing, "FAILED");
        Target.Respond("flaky", 200, "ok");
        using var second = App.Client(SecondOperatorKey);
        Assert.Equal(HttpStatusCode.OK, (await second.PatchAsync($"/v1/tasks/{failing}", null)).StatusCode);
        await Client.WaitForStatusAsync(failing, "SUCCESSFUL");

        var retried = await Client.EventsAsync(failing);
        var retry = retried.Where(e => e["operation"].Str() == "retry").ToList();
        Assert.Equal(["TASK_STATUS_CHANGED", "STEP_STATUS_CHANGED"], retry.Select(e => e["kind"].Str()));
        Assert.All(retry, e => Assert.Equal(SecondOperator, e["actor"].Str()));
        Assert.Equal(("FAILED", "IN_PROGRESS"), (retry[0]["fromStatus"].Str(), retry[0]["toStatus"].Str()));
        Assert.Equal(("FAILED", "PENDING"), (retry[1]["fromStatus"].Str(), retry[1]["toStatus"].Str()));
        Assert.Equal("SUCCESSFUL", retried[^1]["toStatus"].Str());

        Target.Respond("slow", 200, "late", delay: TimeSpan.FromMinutes(5));
        var running = (await Client.CreateTaskAsync(TestApi.Task("cancelled", TestApi.HttpStep("wait", Target.Url("slow")))))["id"].Str();
        await Target.Entered("slow").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteAsync($"/v1/tasks/{running}")).StatusCode);
        await Client.WaitForStatusAsync(running, "CANCELLED");

        var cancelled = await Client.EventsAsync(running);
        var cancel = cancelled.Where(e => e["operation"].Str() == "cancel").ToList();
        Assert.Equal(["STEP_STATUS_CHANGED", "TASK_STATUS_CHANGED"], cancel.Select(e => e["kind"].Str()));
        Assert.All(cancel, e => Assert.Equal(FirstOperator, e["actor"].Str()));
        Assert.Equal(("IN_PROGRESS", "CANCELLED"), (cancel[0]["fromStatus"].Str(), cancel[0]["toStatus"].Str()));
        Assert.Equal(("IN_PROGRESS", "CANCELLED"), (cancel[1]["fromStatus"].Str(), cancel[1]["toStatus"].Str()));
        Assert.DoesNotContain(cancelled, e => e["actor"].Str() == SecondOperator);
    }

    [Fact]
    public async Task A_flatfile_job_acked_reported_on_and_completed_by_an_agent_is_recorded_under_the_agents_key()
    {
        using var agent = App.Client(SecondOperatorKey);
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await agent.JobActionAsync(id, "ack", new JsonObject { ["info"] = "started", ["progress"] = 10 });
        await agent.JobActionAsync(id, "ack", new JsonObject { ["info"] = "half way", ["progress"] = 50 });
        await agent.JobActionAsync(id, "complete", new JsonObject { ["outcome"] = new JsonObject { ["message"] = "done" } });
        await Client.WaitForJobStatusAsync(id, "complete");

        var events = await Client.EventsAsync(id);

        Assert.Equal(("TASK_CREATED", FirstOperator), (events[0]["kind"].Str(), events[0]["actor"].Str()));
        Assert.Contains("jobs", events[0]["message"].Str());
        var acks = events.Where(e => e["operation"].Str() == "ack").ToList();
        Assert.All(acks, e => Assert.Equal(SecondOperator, e["actor"].Str()));
        var taken = Assert.Single(acks, e => e["kind"].Str() == "STEP_STATUS_CHANGED");
        Assert.Equal(("PENDING", "IN_PROGRESS"), (taken["fromStatus"].Str(), taken["toStatus"].Str()));
        var reports = acks.Where(e => e["kind"].Str() == "TASK_UPDATED").ToList();
        Assert.Equal(2, reports.Count);
        Assert.Contains("info", reports[1]["fields"]!.AsArray().Select(f => f.Str()));
        Assert.Contains("progress", reports[1]["fields"]!.AsArray().Select(f => f.Str()));
        Assert.Contains("progress 50", reports[1]["message"].Str());

        var finished = events.Where(e => e["operation"].Str() == "complete-step").ToList();
        Assert.All(finished, e => Assert.Equal(SecondOperator, e["actor"].Str()));
        Assert.Contains(finished, e => e["kind"].Str() == "STEP_STATUS_CHANGED" && e["toStatus"].Str() == "SUCCESSFUL");
        Assert.Contains(finished, e => e["kind"].Str() == "TASK_STATUS_CHANGED" && e["toStatus"].Str() == "SUCCESSFUL");
        Assert.True(Seq(acks[^1]) < Seq(finished[0]));
    }

    [Fact]
    public async Task Of_20_simultaneous_restarts_exactly_one_is_recorded_because_a_lost_race_writes_no_event()
    {
        Target.Respond("broken", 500, "down");
        var id = (await Client.CreateTaskAsync(TestApi.Task("raced", TestApi.HttpStep("call", Target.Url("broken")))))["id"].Str();
        var stepId = (await Client.WaitForStatusAsync(id, "FAILED"))["subTasks"]![0]!["id"].Str();

        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 20).Select(async i =>
        {
            await start.WaitAsync();
            return await Client.RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param(Target.Url($"fixed-{i}")) });
        }).ToList();
        start.Release(20);
        var responses = await Task.WhenAll(requests);
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        await Client.WaitForStatusAsync(id, "SUCCESSFUL");

        var events = await Client.EventsAsync(id);
        var restarts = events.Where(e => e["operation"].Str() == "restart-failed-step").ToList();
        Assert.Single(restarts, e => e["kind"].Str() == "TASK_STATUS_CHANGED");
        var paramsChanged = Assert.Single(restarts, e => e["kind"].Str() == "STEP_PARAMS_CHANGED");
        var winner = Enumerable.Range(0, 20).Single(i => Target.Calls($"fixed-{i}") == 1);
        Assert.Equal(Target.Url($"fixed-{winner}"), paramsChanged["params"]!["url"]!["strValue"].Str());
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(Seq));
    }

    [Fact]
    public async Task Events_need_a_key_any_key_may_read_them_and_an_unknown_task_is_404()
    {
        var id = (await Client.CreateTaskAsync(TestApi.Task("read", TestApi.DelayStep("wait", 0))))["id"].Str();
        await Client.WaitForStatusAsync(id, "SUCCESSFUL");

        using var anonymous = App.Anonymous();
        var unauthorized = await anonymous.GetAsync($"/v1/tasks/{id}/events");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.False(string.IsNullOrEmpty((await unauthorized.ReadJsonAsync())["errorCode"].Str()));

        using var reader = App.Reader();
        var events = await reader.EventsAsync(id);
        Assert.Equal(["TASK_CREATED", "STEP_STATUS_CHANGED", "STEP_STATUS_CHANGED", "TASK_STATUS_CHANGED"], events.Select(e => e["kind"].Str()));
        Assert.All(events.Skip(1), e => Assert.Equal(("engine", "run"), (e["actor"].Str(), e["operation"].Str())));

        foreach (var unknown in new[] { Guid.NewGuid().ToString(), "not-a-task", id[..^4] + "0001" })
        {
            var missing = await reader.GetAsync($"/v1/tasks/{unknown}/events");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            var error = await missing.ReadJsonAsync();
            Assert.False(string.IsNullOrEmpty(error["errorCode"].Str()));
            Assert.False(string.IsNullOrEmpty(error["message"].Str()));
        }

        // Listing reads task rows only: the event rows of the partition never show up as tasks.
        var page = await reader.GetJsonAsync("/v1/tasks");
        Assert.Equal(1, page["pageMetadata"]!["totalElements"]!.GetValue<int>());
        Assert.Single(page["elements"]!.AsArray());
    }

    private static int Seq(JsonNode e) => e["sequence"]!.GetValue<int>();

    private static JsonObject Single(IEnumerable<JsonObject> events, Func<JsonObject, bool> match) => Assert.Single(events, e => match(e));

    /// <summary>Consecutive equal actors collapsed: who acted in turn.</summary>
    private static List<string> Runs(IEnumerable<string> actors)
    {
        var runs = new List<string>();
        foreach (var actor in actors)
        {
            if (runs.Count == 0 || runs[^1] != actor)
            {
                runs.Add(actor);
            }
        }

        return runs;
    }
}

internal static class AuditTestApi
{
    public static async Task<List<JsonObject>> EventsAsync(this HttpClient client, string taskId)
    {
        var body = await client.GetJsonAsync($"/v1/tasks/{taskId}/events");
        Assert.Equal(["elements"], body.Select(p => p.Key));
        return body["elements"]!.AsArray().Select(e => e!.AsObject()).ToList();
    }
}
