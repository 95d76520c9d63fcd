using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Jobs;

/// <summary>The seed: <c>POST /v1/jobs/{jobId}/retry</c> → <c>{data: Job}</c>; only a failed job; 400/404/401/403 otherwise.</summary>
public sealed class JobsRetryTests : IAsyncLifetime
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
    public async Task A_planned_job_whose_second_step_fails_is_retried_from_that_step_and_completes()
    {
        _target.Respond("b", 500, "database is down");
        var created = await _client.CreateJobAsync(JobsTestApi.PlannedJob("import",
            TestApi.HttpStep("a", _target.Url("a")), TestApi.HttpStep("b", _target.Url("b")), TestApi.HttpStep("c", _target.Url("c"))));
        var id = created["id"].Str();
        Assert.Equal("executing", created["status"].Str());

        var failed = await _client.WaitForJobStatusAsync(id, "failed");

        Assert.Contains("Step 'b' (http) failed", failed["info"].Str());
        Assert.Contains("database is down", failed["info"].Str());
        Assert.NotNull(failed["finishedAt"]);
        var steps = (await _client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray();
        Assert.Equal(["completed", "failed", "pending"], steps.Select(s => s!["status"].Str()));
        Assert.Contains("500", steps[1]!["error"]!["message"].Str());
        Assert.Equal([1, 1, 0], new[] { _target.Calls("a"), _target.Calls("b"), _target.Calls("c") });

        _target.Respond("b", 200, "recovered");
        var response = await _client.PostAsync($"/v1/jobs/{id}/retry", null);
        var retried = await response.DataAsync(HttpStatusCode.OK, "retry");
        Assert.Equal("executing", retried["status"].Str());
        Assert.Equal(id, retried["id"].Str());
        Assert.Null(retried["finishedAt"]);

        var done = await _client.WaitForJobStatusAsync(id, "complete");
        Assert.Equal(100, done["progress"]!.GetValue<int>());
        Assert.Null(done["info"]);
        Assert.Equal(1, _target.Calls("a"));
        Assert.Equal(2, _target.Calls("b"));
        Assert.Equal(1, _target.Calls("c"));
        var after = (await _client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray();
        Assert.Equal(["completed", "completed", "completed"], after.Select(s => s!["status"].Str()));
        Assert.Equal([1, 2, 1], after.Select(s => s!["attempts"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_failed_step_given_new_parameters_through_the_plan_runs_with_them_on_retry()
    {
        _target.Respond("old", 404, "gone");
        var created = await _client.CreateJobAsync(JobsTestApi.PlannedJob("moved", TestApi.HttpStep("call", _target.Url("old"))));
        var id = created["id"].Str();
        await _client.WaitForJobStatusAsync(id, "failed");

        var patched = await (await _client.PatchAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(new JsonObject { ["name"] = "call", ["params"] = new JsonObject { ["url"] = TestApi.Param(_target.Url("new")) } }),
        })).DataAsync(HttpStatusCode.OK, "PATCH plan");
        Assert.Equal(_target.Url("new"), patched["plan"]!["steps"]![0]!["params"]!["url"]!["strValue"].Str());
        Assert.Equal("POST", patched["plan"]!["steps"]![0]!["params"]!["method"]!["strValue"].Str());

        await _client.JobActionAsync(id, "retry");

        await _client.WaitForJobStatusAsync(id, "complete");
        Assert.Equal(1, _target.Calls("old"));
        Assert.Equal(1, _target.Calls("new"));
    }

    [Fact]
    public async Task Retry_of_a_complete_job_returns_400_with_an_errors_body()
    {
        var id = (await _client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await _client.JobActionAsync(id, "complete");

        var response = await _client.PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Equal("Job can not be retried: it is complete. Only a failed job can be retried.", await response.ErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal("complete", (await _client.GetJobAsync(id))["status"].Str());
    }

    [Fact]
    public async Task Retry_of_an_executing_job_returns_400_with_an_errors_body()
    {
        var id = (await _client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await _client.JobActionAsync(id, "ack", new JsonObject { ["progress"] = 10 });

        var response = await _client.PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Equal("Job can not be retried: it is executing. Only a failed job can be retried.", await response.ErrorAsync(HttpStatusCode.BadRequest));
        var job = await _client.GetJobAsync(id);
        Assert.Equal("executing", job["status"].Str());
        Assert.Equal(10, job["progress"]!.GetValue<int>());
    }

    [Fact]
    public async Task Retry_of_a_canceled_job_returns_400_with_an_errors_body()
    {
        var id = (await _client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await _client.JobActionAsync(id, "cancel");

        var response = await _client.PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Equal("Job can not be retried: it is canceled. Only a failed job can be retried.", await response.ErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal("canceled", (await _client.GetJobAsync(id))["status"].Str());
    }

    [Theory]
    [InlineData("6f1c2b9e-0000-8000-8000-000000000000")]
    [InlineData("not-a-job-id")]
    [InlineData("us_jb_YOUR_ID")]
    public async Task Retry_of_an_unknown_job_returns_404_with_an_errors_body(string id)
    {
        var response = await _client.PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Equal($"Job '{id}' was not found.", await response.ErrorAsync(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task A_task_of_another_dialect_is_not_a_job()
    {
        var task = await _client.CreateTaskAsync(TestApi.Task("vcf task", TestApi.DelayStep("d", 0)));

        var response = await _client.GetAsync($"/v1/jobs/{task["id"].Str()}");

        await response.ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Retry_without_a_key_returns_401_with_an_errors_body()
    {
        var id = await FailedJobAsync();

        var response = await _app.Anonymous().PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Contains("API key", await response.ErrorAsync(HttpStatusCode.Unauthorized));
        Assert.Equal("failed", (await _client.GetJobAsync(id))["status"].Str());
    }

    [Fact]
    public async Task Retry_with_a_reader_key_returns_403_and_the_job_stays_failed()
    {
        var id = await FailedJobAsync();

        var response = await _app.Reader().PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Contains("reader key", await response.ErrorAsync(HttpStatusCode.Forbidden));
        Assert.Equal("failed", (await _app.Reader().GetJobAsync(id))["status"].Str());
    }

    [Fact]
    public async Task Every_jobs_endpoint_needs_a_key_and_every_mutation_an_operator_key()
    {
        var id = await FailedJobAsync();
        var mutations = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, "/v1/jobs"), (HttpMethod.Patch, $"/v1/jobs/{id}"), (HttpMethod.Delete, $"/v1/jobs/{id}"),
            (HttpMethod.Post, $"/v1/jobs/{id}/execute"), (HttpMethod.Put, $"/v1/jobs/{id}/plan"), (HttpMethod.Patch, $"/v1/jobs/{id}/plan"),
            (HttpMethod.Post, $"/v1/jobs/{id}/ack"), (HttpMethod.Post, $"/v1/jobs/{id}/outcome/ack"), (HttpMethod.Post, $"/v1/jobs/{id}/complete"),
            (HttpMethod.Post, $"/v1/jobs/{id}/fail"), (HttpMethod.Post, $"/v1/jobs/{id}/cancel"), (HttpMethod.Post, $"/v1/jobs/{id}/retry"),
            (HttpMethod.Post, $"/v1/jobs/{id}/split"), (HttpMethod.Post, "/v1/jobs/preview-mutation"),
        };
        var reads = new[] { "/v1/jobs", $"/v1/jobs/{id}", $"/v1/jobs/{id}/plan" };

        foreach (var (method, path) in mutations)
        {
            await (await _app.Anonymous().SendAsync(new HttpRequestMessage(method, path))).ErrorAsync(HttpStatusCode.Unauthorized);
            await (await _app.Reader().SendAsync(new HttpRequestMessage(method, path))).ErrorAsync(HttpStatusCode.Forbidden);
        }

        foreach (var path in reads)
        {
            await (await _app.Anonymous().GetAsync(path)).ErrorAsync(HttpStatusCode.Unauthorized);
            Assert.Equal(HttpStatusCode.OK, (await _app.Reader().GetAsync(path)).StatusCode);
        }

        Assert.Equal("failed", (await _client.GetJobAsync(id))["status"].Str());
        Assert.Equal(1, await _app.CountTaskRowsAsync());
    }

    private async Task<string> FailedJobAsync()
    {
        var id = (await _client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await _client.JobActionAsync(id, "fail", new JsonObject { ["info"] = "broken" });
        return id;
    }
}
