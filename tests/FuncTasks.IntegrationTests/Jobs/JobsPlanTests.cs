using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Jobs;

/// <summary><c>GET|PUT|PATCH /v1/jobs/{jobId}/plan</c>: a job's plan is its steps.</summary>
public sealed class JobsPlanTests : IAsyncLifetime
{
    private readonly FuncTasksApp _app = new();
    private TargetServer _target = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _target = await TargetServer.StartAsync();
        _client = _app.Operator();
    }

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Get_plan_returns_the_job_and_its_steps_in_a_shape_Flatfile_clients_read()
    {
        var job = JobsTestApi.PlannedJob("two steps", TestApi.HttpStep("call", _target.Url("a")), TestApi.DelayStep("pause", 0));
        job["trigger"] = "manual";
        var id = (await _client.CreateJobAsync(job))["id"].Str();

        var data = await _client.GetPlanAsync(id);

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
        Assert.Equal(_target.Url("a"), steps[0]!["params"]!["url"]!["strValue"].Str());
        Assert.Equal("STRING", steps[0]!["params"]!["url"]!["type"].Str());
        Assert.True(Guid.TryParse(steps[0]!["id"].Str(), out _));
    }

    [Fact]
    public async Task Put_replaces_the_plan_of_a_created_job_which_then_runs_the_new_steps()
    {
        var job = JobsTestApi.PlannedJob("replace me", TestApi.HttpStep("x", _target.Url("x")), TestApi.HttpStep("y", _target.Url("y")), TestApi.HttpStep("z", _target.Url("z")));
        job["trigger"] = "manual";
        var id = (await _client.CreateJobAsync(job))["id"].Str();

        var replaced = await (await _client.PutAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(TestApi.HttpStep("first", _target.Url("first")), TestApi.HttpStep("second", _target.Url("second"))),
        })).DataAsync(HttpStatusCode.OK, "PUT plan");

        Assert.Equal(["first", "second"], replaced["plan"]!["steps"]!.AsArray().Select(s => s!["name"].Str()));
        await _client.PostJobAsync(id, "execute");
        var done = await _client.WaitForJobStatusAsync(id, "complete");
        Assert.Equal(100, done["progress"]!.GetValue<int>());
        Assert.Equal([1, 1, 0, 0, 0], new[] { _target.Calls("first"), _target.Calls("second"), _target.Calls("x"), _target.Calls("y"), _target.Calls("z") });
        Assert.Equal(2, (await _client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray().Count);
    }

    [Fact]
    public async Task Put_turns_a_created_agent_job_into_a_planned_one()
    {
        var id = (await _client.CreateJobAsync(JobsTestApi.AgentJob(trigger: "manual")))["id"].Str();
        Assert.Empty((await _client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray());

        await (await _client.PutAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(TestApi.HttpStep("one", _target.Url("one")), TestApi.HttpStep("two", _target.Url("two")), TestApi.HttpStep("three", _target.Url("three"))),
        })).DataAsync(HttpStatusCode.OK, "PUT plan");
        await _client.PostJobAsync(id, "execute");

        await _client.WaitForJobStatusAsync(id, "complete");
        Assert.Equal([1, 1, 1], new[] { _target.Calls("one"), _target.Calls("two"), _target.Calls("three") });
    }

    [Fact]
    public async Task Put_on_a_job_that_has_started_returns_409_and_changes_nothing()
    {
        _target.Respond("slow", 200, "late", TimeSpan.FromSeconds(30));
        var id = (await _client.CreateJobAsync(JobsTestApi.PlannedJob("running", TestApi.HttpStep("slow", _target.Url("slow")))))["id"].Str();

        var response = await _client.PutAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject { ["steps"] = new JsonArray(TestApi.DelayStep("other", 0)) });

        Assert.Equal("Job's plan can not be replaced: it is executing. Only the plan of a created job can be replaced.", await response.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal(["slow"], (await _client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray().Select(s => s!["name"].Str()));
        await _client.JobActionAsync(id, "cancel");
    }

    [Fact]
    public async Task Patch_refuses_to_edit_a_completed_step_and_an_unknown_one()
    {
        _target.Respond("b", 500, "no");
        var id = (await _client.CreateJobAsync(JobsTestApi.PlannedJob("p", TestApi.HttpStep("a", _target.Url("a")), TestApi.HttpStep("b", _target.Url("b")))))["id"].Str();
        await _client.WaitForJobStatusAsync(id, "failed");

        var completed = await _client.PatchAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(new JsonObject { ["index"] = 0, ["params"] = new JsonObject { ["method"] = TestApi.Param("GET") } }),
        });
        var unknown = await _client.PatchAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(new JsonObject { ["name"] = "nope", ["params"] = new JsonObject { ["method"] = TestApi.Param("GET") } }),
        });
        var invalid = await _client.PatchAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(new JsonObject { ["name"] = "b", ["params"] = new JsonObject { ["method"] = TestApi.Param("FETCH") } }),
        });

        Assert.Contains("'a' is completed", await completed.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Contains("no step named 'nope'", await unknown.ErrorAsync(HttpStatusCode.BadRequest, "steps[0].name"));
        Assert.Contains("'method' must be one of", await invalid.ErrorAsync(HttpStatusCode.BadRequest, "steps[0].params"));
        var steps = (await _client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray();
        Assert.Equal(["POST", "POST"], steps.Select(s => s!["params"]!["method"]!["strValue"].Str()));
    }
}
