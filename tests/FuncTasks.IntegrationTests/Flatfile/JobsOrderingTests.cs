using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Flatfile;

/// <summary>Predecessors and split parts: jobs wait (an await-tasks step in the engine) for other jobs to complete.</summary>
public sealed class JobsOrderingTests : AppTest
{
    public JobsOrderingTests()
        : base(new FuncTasksApp(new Dictionary<string, string?> { ["FuncTasks:Runner:Workers"] = "8" }))
    {
    }

    [Fact]
    public async Task A_job_with_a_predecessor_waits_until_the_predecessor_completes()
    {
        var first = (await Client.CreateJobAsync(JobsTestApi.AgentJob("extract")))["id"].Str();
        var next = JobsTestApi.AgentJob("load");
        next["predecessorIds"] = new JsonArray(first);

        var created = await Client.CreateJobAsync(next);
        var id = created["id"].Str();

        Assert.Equal("scheduled", created["status"].Str());
        Assert.Equal([first], created["predecessorIds"]!.AsArray().Select(p => p.Str()));
        await Client.JobActionAsync(first, "ack", new JsonObject { ["progress"] = 50 });
        Assert.Equal("scheduled", (await Client.GetJobAsync(id))["status"].Str());
        var early = await Client.PostJobAsync(id, "ack");
        Assert.Contains("scheduled", await early.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal(1, (await Client.GetFromJsonAsync<JsonObject>("/v1/jobs?status=scheduled"))!["pagination"]!["totalCount"]!.GetValue<int>());

        await Client.JobActionAsync(first, "complete");

        await Client.WaitForJobStatusAsync(id, "ready");
        var taken = await Client.JobActionAsync(id, "ack");
        Assert.Equal("executing", taken["status"].Str());
        Assert.Equal("complete", (await Client.JobActionAsync(id, "complete"))["status"].Str());
    }

    [Fact]
    public async Task A_job_fails_with_a_clear_error_when_its_predecessor_fails_and_runs_after_both_are_retried()
    {
        var first = (await Client.CreateJobAsync(JobsTestApi.AgentJob("extract")))["id"].Str();
        var next = JobsTestApi.AgentJob("load");
        next["predecessorIds"] = new JsonArray(first);
        var id = (await Client.CreateJobAsync(next))["id"].Str();

        await Client.JobActionAsync(first, "fail", new JsonObject { ["info"] = "source file is empty" });

        var failed = await Client.WaitForJobStatusAsync(id, "failed");
        Assert.Contains($"Awaited task {first} ('extract') failed", failed["info"].Str());
        Assert.Contains("source file is empty", failed["info"].Str());

        await Client.JobActionAsync(first, "retry");
        var again = await Client.JobActionAsync(id, "retry");
        Assert.Equal("scheduled", again["status"].Str());
        await Client.JobActionAsync(first, "complete");
        await Client.WaitForJobStatusAsync(id, "ready");
    }

    [Fact]
    public async Task Sequential_parts_run_one_after_another_and_the_parent_completes_after_the_last()
    {
        var parentId = (await Client.CreateJobAsync(JobsTestApi.AgentJob("import")))["id"].Str();
        await Client.JobActionAsync(parentId, "ack", new JsonObject { ["info"] = "splitting" });

        var parent = await Client.JobActionAsync(parentId, "split", new JsonObject
        {
            ["parts"] = new JsonArray(new JsonObject { ["rows"] = "1-100" }, new JsonObject { ["rows"] = "101-200" }, new JsonObject { ["rows"] = "201-300" }),
        });

        Assert.Equal("executing", parent["status"].Str());
        var parts = await PartsAsync(parentId);
        Assert.Equal([1, 2, 3], parts.Select(p => p["part"]!.GetValue<int>()));
        Assert.All(parts, p => Assert.Equal("sequential", p["partExecution"].Str()));
        Assert.All(parts, p => Assert.Equal("import", p["operation"].Str()));
        Assert.Equal(["1-100", "101-200", "201-300"], parts.Select(p => p["partData"]!["rows"].Str()));
        Assert.Null(parts[0]["predecessorIds"]);
        Assert.Equal([parts[0]["id"].Str()], parts[1]["predecessorIds"]!.AsArray().Select(p => p.Str()));
        Assert.Equal([parts[1]["id"].Str()], parts[2]["predecessorIds"]!.AsArray().Select(p => p.Str()));

        for (var i = 0; i < 3; i++)
        {
            var part = parts[i]["id"].Str();
            await Client.WaitForJobStatusAsync(part, "ready");
            var statuses = await StatusesAsync(parts);
            Assert.Equal(Enumerable.Range(0, 3).Select(k => k < i ? "complete" : k == i ? "ready" : "scheduled"), statuses);
            Assert.Equal("executing", (await Client.GetJobAsync(parentId))["status"].Str());
            await Client.JobActionAsync(part, "ack");
            await Client.JobActionAsync(part, "complete", new JsonObject { ["outcome"] = new JsonObject { ["message"] = $"part {i + 1} done" } });
        }

        var done = await Client.WaitForJobStatusAsync(parentId, "complete");
        var finished = await Task.WhenAll(parts.Select(p => Client.GetJobAsync(p["id"].Str())));
        Assert.True(finished[1]["startedAt"].Time() >= finished[0]["finishedAt"].Time());
        Assert.True(finished[2]["startedAt"].Time() >= finished[1]["finishedAt"].Time());
        Assert.True(done["finishedAt"].Time() >= finished[2]["finishedAt"].Time());
        Assert.Equal(100, done["progress"]!.GetValue<int>());
    }

    [Fact]
    public async Task Parallel_parts_are_ready_at_once_and_run_overlapping()
    {
        var parentId = (await Client.CreateJobAsync(JobsTestApi.AgentJob("import")))["id"].Str();

        var parent = await Client.JobActionAsync(parentId, "split", new JsonObject { ["parts"] = 3, ["runInParallel"] = true });

        Assert.Equal("executing", parent["status"].Str());
        var parts = await PartsAsync(parentId);
        Assert.All(parts, p => Assert.Equal("parallel", p["partExecution"].Str()));
        Assert.All(parts, p => Assert.Null(p["predecessorIds"]));
        Assert.Equal(["ready", "ready", "ready"], await StatusesAsync(parts));

        foreach (var part in parts)
        {
            await Client.JobActionAsync(part["id"].Str(), "ack", new JsonObject { ["progress"] = 10 });
        }

        Assert.Equal(["executing", "executing", "executing"], await StatusesAsync(parts));
        foreach (var part in parts)
        {
            await Client.JobActionAsync(part["id"].Str(), "complete");
        }

        await Client.WaitForJobStatusAsync(parentId, "complete");
        var finished = await Task.WhenAll(parts.Select(p => Client.GetJobAsync(p["id"].Str())));
        Assert.True(finished.Max(p => p["startedAt"].Time()) < finished.Min(p => p["finishedAt"].Time()), "The parts' runs overlap.");
    }

    [Fact]
    public async Task A_split_job_fails_when_a_part_fails_and_its_retry_retries_that_part()
    {
        var parentId = (await Client.CreateJobAsync(JobsTestApi.AgentJob("import")))["id"].Str();
        await Client.JobActionAsync(parentId, "split", new JsonObject { ["parts"] = 2, ["runInParallel"] = true });
        var parts = await PartsAsync(parentId);
        await Client.JobActionAsync(parts[0]["id"].Str(), "complete");

        await Client.JobActionAsync(parts[1]["id"].Str(), "fail", new JsonObject { ["info"] = "bad rows" });

        var failed = await Client.WaitForJobStatusAsync(parentId, "failed");
        Assert.Contains(parts[1]["id"].Str(), failed["info"].Str());
        Assert.Contains("bad rows", failed["info"].Str());

        var retried = await Client.JobActionAsync(parentId, "retry");
        Assert.Equal("executing", retried["status"].Str());
        Assert.Equal("ready", (await Client.GetJobAsync(parts[1]["id"].Str()))["status"].Str());
        Assert.Equal("complete", (await Client.GetJobAsync(parts[0]["id"].Str()))["status"].Str());
        await Client.JobActionAsync(parts[1]["id"].Str(), "complete");
        await Client.WaitForJobStatusAsync(parentId, "complete");
    }

    [Fact]
    public async Task A_split_job_cannot_be_split_again_and_a_planned_job_cannot_be_split()
    {
        var parentId = (await Client.CreateJobAsync(JobsTestApi.AgentJob("import")))["id"].Str();
        await Client.JobActionAsync(parentId, "split", new JsonObject { ["parts"] = 2 });
        var planned = (await Client.CreateJobAsync(JobsTestApi.PlannedJob("p", TestApi.DelayStep("d", 30))))["id"].Str();

        var again = await Client.PostJobAsync(parentId, "split", new JsonObject { ["parts"] = 2 });
        var plan = await Client.PostJobAsync(planned, "split", new JsonObject { ["parts"] = 2 });

        Assert.Equal("Job can not be split: it was split already.", await again.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Contains("only an agent-driven job can be split", await plan.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal(2, (await PartsAsync(parentId)).Count);
        Assert.Equal(0, (await Client.GetFromJsonAsync<JsonObject>($"/v1/jobs?parentId={planned}"))!["pagination"]!["totalCount"]!.GetValue<int>());
        await Client.JobActionAsync(planned, "cancel");
    }

    [Fact]
    public async Task Canceling_a_split_job_cancels_its_unfinished_parts_and_leaves_finished_ones()
    {
        var parentId = (await Client.CreateJobAsync(JobsTestApi.AgentJob("import")))["id"].Str();
        await Client.JobActionAsync(parentId, "split", new JsonObject { ["parts"] = 3 });
        var parts = await PartsAsync(parentId);
        await Client.JobActionAsync(parts[0]["id"].Str(), "complete");
        await Client.WaitForJobStatusAsync(parts[1]["id"].Str(), "ready");

        var canceled = await Client.JobActionAsync(parentId, "cancel", new JsonObject { ["info"] = "user gave up" });

        Assert.Equal("canceled", canceled["status"].Str());
        Assert.Equal(["complete", "canceled", "canceled"], await StatusesAsync(parts));
        Assert.Equal("Canceled with its parent job.", (await Client.GetJobAsync(parts[2]["id"].Str()))["info"].Str());
    }

    private async Task<List<JsonObject>> PartsAsync(string parentId)
    {
        var page = await Client.GetFromJsonAsync<JsonObject>($"/v1/jobs?parentId={parentId}&sortDirection=asc");
        return page!["data"]!.AsArray().Select(p => p!.AsObject()).OrderBy(p => p["part"]!.GetValue<int>()).ToList();
    }

    private async Task<string[]> StatusesAsync(IEnumerable<JsonObject> parts) =>
        (await Task.WhenAll(parts.Select(p => Client.GetJobAsync(p["id"].Str())))).Select(p => p["status"].Str()).ToArray();
}
