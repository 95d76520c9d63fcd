using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Flatfile;

/// <summary><c>GET|PUT|PATCH /v1/jobs/{jobId}/plan</c>: a job's plan is its steps.</summary>
public sealed class JobsPlanTests : AppTest
{
    [Fact]
    public async Task Get_plan_returns_the_job_and_its_steps_in_a_shape_Flatfile_clients_read()
    {
        var job = JobsTestApi.PlannedJob("two steps", TestApi.HttpStep("call", Target.Url("a")), TestApi.DelayStep("pause", 0));
        job["trigger"] = "manual";
        var id = (await Client.CreateJobAsync(job))["id"].Str();

        var data = await Client.GetPlanAsync(id);

        Assert.Equal(id, data["job"]!["id"].Str());
        Assert.Equal("created", data["job"]!["status"].Str());
        var plan = data["plan"]!.AsObject();
        Assert.Empty(plan["fieldMapping"]!.AsArray());
        Assert.Empty(plan["unmappedSourceFields"]!.AsArray());
        Assert.Empty(plan["unmappedDestinationFields"]!.AsArray());
        var steps = plan["steps"]!.AsArray();
        Assert.Equal(["call", "pause"], steps.Select(s => s!["name"].Str()));
        Assert.Equal(["http", "delay"], steps.Select(s => s!["action"].Str()));
        Assert.Equal([0, 1], steps.Select(s => s!["index"]!.GetValue<int>()));
        Assert.Equal(["pending", "pending"], steps.Select(s => s!["status"].Str()));
        Assert.Equal(Target.Url("a"), steps[0]!["params"]!["url"]!["strValue"].Str());
        Assert.Equal("STRING", steps[0]!["params"]!["url"]!["type"].Str());
        Assert.True(Guid.TryParse(steps[0]!["id"].Str(), out _));
    }

    [Fact]
    public async Task Put_replaces_the_plan_of_a_created_job_which_then_runs_the_new_steps()
    {
        var job = JobsTestApi.PlannedJob("replace me", TestApi.HttpStep("x", Target.Url("x")), TestApi.HttpStep("y", Target.Url("y")), TestApi.HttpStep("z", Target.Url("z")));
        job["trigger"] = "manual";
        var id = (await Client.CreateJobAsync(job))["id"].Str();

        var replaced = await (await Client.PutAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(TestApi.HttpStep("first", Target.Url("first")), TestApi.HttpStep("second", Target.Url("second"))),
        })).DataAsync(HttpStatusCode.OK, "PUT plan");

        Assert.Equal(["first", "second"], replaced["plan"]!["steps"]!.AsArray().Select(s => s!["name"].Str()));
        await Client.PostJobAsync(id, "execute");
        var done = await Client.WaitForJobStatusAsync(id, "complete");
        Assert.Equal(100, done["progress"]!.GetValue<int>());
        Assert.Equal([1, 1, 0, 0, 0], new[] { Target.Calls("first"), Target.Calls("second"), Target.Calls("x"), Target.Calls("y"), Target.Calls("z") });
        Assert.Equal(2, (await Client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray().Count);
    }

    [Fact]
    public async Task Put_turns_a_created_agent_job_into_a_planned_one()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob(trigger: "manual")))["id"].Str();
        Assert.Empty((await Client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray());

        await (await Client.PutAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(TestApi.HttpStep("one", Target.Url("one")), TestApi.HttpStep("two", Target.Url("two")), TestApi.HttpStep("three", Target.Url("three"))),
        })).DataAsync(HttpStatusCode.OK, "PUT plan");
        await Client.PostJobAsync(id, "execute");

        await Client.WaitForJobStatusAsync(id, "complete");
        Assert.Equal([1, 1, 1], new[] { Target.Calls("one"), Target.Calls("two"), Target.Calls("three") });
    }

    [Fact]
    public async Task Put_on_a_job_that_has_started_returns_409_and_changes_nothing()
    {
        Target.Respond("slow", 200, "late", TimeSpan.FromSeconds(30));
        var id = (await Client.CreateJobAsync(JobsTestApi.PlannedJob("running", TestApi.HttpStep("slow", Target.Url("slow")))))["id"].Str();

        var response = await Client.PutAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject { ["steps"] = new JsonArray(TestApi.DelayStep("other", 0)) });

        Assert.Equal("Job's plan can not be replaced: it is executing. Only the plan of a created job can be replaced.", await response.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal(["slow"], (await Client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray().Select(s => s!["name"].Str()));
        await Client.JobActionAsync(id, "cancel");
    }

    [Fact]
    public async Task Patch_refuses_to_edit_a_completed_step_and_an_unknown_one()
    {
        Target.Respond("b", 500, "no");
        var id = (await Client.CreateJobAsync(JobsTestApi.PlannedJob("p", TestApi.HttpStep("a", Target.Url("a")), TestApi.HttpStep("b", Target.Url("b")))))["id"].Str();
        await Client.WaitForJobStatusAsync(id, "failed");

        var completed = await Client.PatchAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(new JsonObject { ["index"] = 0, ["params"] = new JsonObject { ["method"] = TestApi.Param("GET") } }),
        });
        var unknown = await Client.PatchAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(new JsonObject { ["name"] = "nope", ["params"] = new JsonObject { ["method"] = TestApi.Param("GET") } }),
        });
        var invalid = await Client.PatchAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(new JsonObject { ["name"] = "b", ["params"] = new JsonObject { ["method"] = TestApi.Param("FETCH") } }),
        });

        Assert.Contains("'a' is completed", await completed.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Contains("no step named 'nope'", await unknown.ErrorAsync(HttpStatusCode.BadRequest, "steps[0].name"));
        Assert.Contains("'method' must be one of", await invalid.ErrorAsync(HttpStatusCode.BadRequest, "steps[0].params"));
        var steps = (await Client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray();
        Assert.Equal(["POST", "POST"], steps.Select(s => s!["params"]!["method"]!["strValue"].Str()));
    }
}
