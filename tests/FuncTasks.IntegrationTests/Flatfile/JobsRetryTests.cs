using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Flatfile;

/// <summary>The seed: <c>POST /v1/jobs/{jobId}/retry</c> → <c>{data: Job}</c>; only a failed job; 400/404/401/403 otherwise.</summary>
public sealed class JobsRetryTests : AppTest
{
    [Fact]
    public async Task A_planned_job_whose_second_step_fails_is_retried_from_that_step_and_completes()
    {
        Target.Respond("b", 500, "database is down");
        var created = await Client.CreateJobAsync(JobsTestApi.PlannedJob("import",
            TestApi.HttpStep("a", Target.Url("a")), TestApi.HttpStep("b", Target.Url("b")), TestApi.HttpStep("c", Target.Url("c"))));
        var id = created["id"].Str();
        Assert.Equal("executing", created["status"].Str());

        var failed = await Client.WaitForJobStatusAsync(id, "failed");

        Assert.Contains("Step 'b' (http) failed", failed["info"].Str());
        Assert.Contains("database is down", failed["info"].Str());
        Assert.NotNull(failed["finishedAt"]);
        var steps = (await Client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray();
        Assert.Equal(["completed", "failed", "pending"], steps.Select(s => s!["status"].Str()));
        Assert.Contains("500", steps[1]!["error"]!["message"].Str());
        Assert.Equal([1, 1, 0], new[] { Target.Calls("a"), Target.Calls("b"), Target.Calls("c") });

        Target.Respond("b", 200, "recovered");
        var response = await Client.PostAsync($"/v1/jobs/{id}/retry", null);
        var retried = await response.DataAsync(HttpStatusCode.OK, "retry");
        Assert.Equal("executing", retried["status"].Str());
        Assert.Equal(id, retried["id"].Str());
        Assert.Null(retried["finishedAt"]);

        var done = await Client.WaitForJobStatusAsync(id, "complete");
        Assert.Equal(100, done["progress"]!.GetValue<int>());
        Assert.Null(done["info"]);
        Assert.Equal(1, Target.Calls("a"));
        Assert.Equal(2, Target.Calls("b"));
        Assert.Equal(1, Target.Calls("c"));
        var after = (await Client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray();
        Assert.Equal(["completed", "completed", "completed"], after.Select(s => s!["status"].Str()));
        Assert.Equal([1, 2, 1], after.Select(s => s!["attempts"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_failed_step_given_new_parameters_through_the_plan_runs_with_them_on_retry()
    {
        Target.Respond("old", 404, "gone");
        var created = await Client.CreateJobAsync(JobsTestApi.PlannedJob("moved", TestApi.HttpStep("call", Target.Url("old"))));
        var id = created["id"].Str();
        await Client.WaitForJobStatusAsync(id, "failed");

        var patched = await (await Client.PatchAsJsonAsync($"/v1/jobs/{id}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(new JsonObject { ["name"] = "call", ["params"] = new JsonObject { ["url"] = TestApi.Param(Target.Url("new")) } }),
        })).DataAsync(HttpStatusCode.OK, "PATCH plan");
        Assert.Equal(Target.Url("new"), patched["plan"]!["steps"]![0]!["params"]!["url"]!["strValue"].Str());
        Assert.Equal("POST", patched["plan"]!["steps"]![0]!["params"]!["method"]!["strValue"].Str());

        await Client.JobActionAsync(id, "retry");

        await Client.WaitForJobStatusAsync(id, "complete");
        Assert.Equal(1, Target.Calls("old"));
        Assert.Equal(1, Target.Calls("new"));
    }

    [Fact]
    public async Task Retry_of_a_complete_job_returns_400_with_an_errors_body()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await Client.JobActionAsync(id, "complete");

        var response = await Client.PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Equal("Job can not be retried: it is complete. Only a failed job can be retried.", await response.ErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal("complete", (await Client.GetJobAsync(id))["status"].Str());
    }

    [Fact]
    public async Task Retry_of_an_executing_job_returns_400_with_an_errors_body()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await Client.JobActionAsync(id, "ack", new JsonObject { ["progress"] = 10 });

        var response = await Client.PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Equal("Job can not be retried: it is executing. Only a failed job can be retried.", await response.ErrorAsync(HttpStatusCode.BadRequest));
        var job = await Client.GetJobAsync(id);
        Assert.Equal("executing", job["status"].Str());
        Assert.Equal(10, job["progress"]!.GetValue<int>());
    }

    [Fact]
    public async Task Retry_of_a_canceled_job_returns_400_with_an_errors_body()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await Client.JobActionAsync(id, "cancel");

        var response = await Client.PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Equal("Job can not be retried: it is canceled. Only a failed job can be retried.", await response.ErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal("canceled", (await Client.GetJobAsync(id))["status"].Str());
    }

    [Theory]
    [InlineData("6f1c2b9e-0000-8000-8000-000000000000")]
    [InlineData("not-a-job-id")]
    [InlineData("us_jb_YOUR_ID")]
    public async Task Retry_of_an_unknown_job_returns_404_with_an_errors_body(string id)
    {
        var response = await Client.PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Equal($"Job '{id}' was not found.", await response.ErrorAsync(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task A_task_of_another_dialect_is_not_a_job()
    {
        var task = await Client.CreateTaskAsync(TestApi.Task("vcf task", TestApi.DelayStep("d", 0)));

        var response = await Client.GetAsync($"/v1/jobs/{task["id"].Str()}");

        await response.ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Retry_without_a_key_returns_401_with_an_errors_body()
    {
        var id = await FailedJobAsync();

        var response = await App.Anonymous().PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Contains("API key", await response.ErrorAsync(HttpStatusCode.Unauthorized));
        Assert.Equal("failed", (await Client.GetJobAsync(id))["status"].Str());
    }

    [Fact]
    public async Task Retry_with_a_reader_key_returns_403_and_the_job_stays_failed()
    {
        var id = await FailedJobAsync();

        var response = await App.Reader().PostAsync($"/v1/jobs/{id}/retry", null);

        Assert.Contains("reader key", await response.ErrorAsync(HttpStatusCode.Forbidden));
        Assert.Equal("failed", (await App.Reader().GetJobAsync(id))["status"].Str());
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
            await (await App.Anonymous().SendAsync(new HttpRequestMessage(method, path))).ErrorAsync(HttpStatusCode.Unauthorized);
            await (await App.Reader().SendAsync(new HttpRequestMessage(method, path))).ErrorAsync(HttpStatusCode.Forbidden);
        }

        foreach (var path in reads)
        {
            await (await App.Anonymous().GetAsync(path)).ErrorAsync(HttpStatusCode.Unauthorized);
            Assert.Equal(HttpStatusCode.OK, (await App.Reader().GetAsync(path)).StatusCode);
        }

        Assert.Equal("failed", (await Client.GetJobAsync(id))["status"].Str());
        Assert.Equal(1, await App.CountTaskRowsAsync());
    }

    private async Task<string> FailedJobAsync()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await Client.JobActionAsync(id, "fail", new JsonObject { ["info"] = "broken" });
        return id;
    }
}
