using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using FuncTasks.Core.Idempotency;
using FuncTasks.Core.Model;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Flatfile;
using FuncTasks.IntegrationTests.Cognaize;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>
/// <c>Idempotency-Key</c> on the three creating endpoints: a repeat returns the first result and creates nothing,
/// concurrent repeats converge on one task, another body with the key is refused in the dialect's body.
/// </summary>
public sealed class IdempotencyTests : AppTest
{
    [Fact]
    public async Task Ten_concurrent_creates_with_one_key_make_one_task_and_all_get_its_id()
    {
        var body = TestApi.Task("once", TestApi.DelayStep("wait", 0.1)).ToJsonString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync("/v1/tasks", body, "create-once-1")));

        var ids = new List<string>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var task = await response.ReadJsonAsync();
            ids.Add(task["id"].Str());
            Assert.Equal($"/v1/tasks/{task["id"].Str()}", response.Headers.Location!.OriginalString);
        }

        Assert.Single(ids.Distinct());
        Assert.Equal(9, responses.Count(r => r.Headers.TryGetValues("Idempotent-Replayed", out var v) && v.Single() == "true"));
        Assert.Equal([ids[0]], await TaskIdsAsync());
        await Client.WaitForStatusAsync(ids[0], "SUCCESSFUL");
        Assert.Equal([ids[0]], await TaskIdsAsync());
    }

    [Fact]
    public async Task A_repeat_after_the_task_ran_returns_it_and_another_body_with_the_key_is_409()
    {
        var body = TestApi.Task("once", TestApi.HttpStep("call", Target.Url("hook"))).ToJsonString();
        var first = await (await PostAsync("/v1/tasks", body, "vcf-key")).ReadJsonAsync();
        await Client.WaitForStatusAsync(first["id"].Str(), "SUCCESSFUL");

        var again = await PostAsync("/v1/tasks", body, "vcf-key");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var replayed = await again.ReadJsonAsync();
        Assert.Equal(first["id"].Str(), replayed["id"].Str());
        Assert.Equal("SUCCESSFUL", replayed["status"].Str());
        Assert.Equal(1, Target.Calls("hook"));

        var other = await PostAsync("/v1/tasks", TestApi.Task("another", TestApi.DelayStep("wait", 0.1)).ToJsonString(), "vcf-key");
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var error = await other.ReadJsonAsync();
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", error["errorCode"].Str());
        VcfSchema.AssertValid("Error", error.ToJsonString());
        Assert.Equal([first["id"].Str()], await TaskIdsAsync());

        var withoutKey = await PostAsync("/v1/tasks", body, key: null);
        Assert.Equal(HttpStatusCode.Accepted, withoutKey.StatusCode);
        Assert.Equal(2, (await TaskIdsAsync()).Length);
    }

    [Fact]
    public async Task Keys_are_per_api_key_and_a_refused_request_does_not_use_up_its_key()
    {
        var bad = await PostAsync("/v1/tasks", """{"name":"no steps"}""", "fix-and-retry");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var fixedBody = TestApi.Task("fixed", TestApi.DelayStep("wait", 0.1)).ToJsonString();
        var good = await PostAsync("/v1/tasks", fixedBody, "fix-and-retry");
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);

        await using var app = new FuncTasksApp(new Dictionary<string, string?>
        {
            ["FuncTasks:Storage:TablePrefix"] = App.Prefix,
            ["FuncTasks:Auth:Keys:2:Name"] = "second-operator",
            ["FuncTasks:Auth:Keys:2:Secret"] = "second-operator-secret",
            ["FuncTasks:Auth:Keys:2:Role"] = "operator",
            ["FuncTasks:Runner:Enabled"] = "false",
        });
        var second = app.Client("second-operator-secret");
        var sameKeyOtherCaller = await PostAsync("/v1/tasks", fixedBody, "fix-and-retry", second);
        Assert.Equal(HttpStatusCode.Accepted, sameKeyOtherCaller.StatusCode);
        Assert.NotEqual((await good.ReadJsonAsync())["id"].Str(), (await sameKeyOtherCaller.ReadJsonAsync())["id"].Str());
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("tab\there")]
    [InlineData("ünïcode")]
    public async Task A_malformed_key_is_400_and_creates_nothing(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks")
        {
            Content = new StringContent(TestApi.Task("t", TestApi.DelayStep("wait", 0.1)).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", (await response.ReadJsonAsync())["message"].Str(), StringComparison.Ordinal);
        Assert.Empty(await TaskIdsAsync());
    }

    [Fact]
    public async Task A_key_longer_than_255_is_400()
    {
        var response = await PostAsync("/v1/tasks", TestApi.Task("t", TestApi.DelayStep("wait", 0.1)).ToJsonString(), new string('k', 256));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await TaskIdsAsync());
    }

    [Fact]
    public async Task Jobs_create_is_idempotent_and_a_different_body_is_409_in_the_Flatfile_body()
    {
        var body = JobsTestApi.AgentJob().ToJsonString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync("/v1/jobs", body, "job-key")));
        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            ids.Add((await response.DataAsync(HttpStatusCode.OK, "create job"))["id"].Str());
        }

        Assert.Single(ids);
        var list = await Client.GetJsonAsync("/v1/jobs?pageSize=100");
        Assert.Equal([ids.Single()], list["data"]!.AsArray().Select(j => j!["id"].Str()).ToArray());

        var other = await PostAsync("/v1/jobs", JobsTestApi.AgentJob(operation: "other").ToJsonString(), "job-key");
        Assert.Contains("Idempotency-Key 'job-key' was already used", await other.ErrorAsync(HttpStatusCode.Conflict, "Idempotency-Key"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_start_is_idempotent_and_a_different_body_is_409_in_the_Cognaize_envelope()
    {
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("idem", ProcessTestApi.External("approve")));
        var body = new JsonObject { ["workflowId"] = workflowId }.ToJsonString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync("/api/v1/processes/start", body, "start-key")));
        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            ids.Add((await response.EnvelopeAsync(HttpStatusCode.OK, "Process started"))["data"]!["processId"].Str());
        }

        Assert.Single(ids);
        Assert.Equal(ids.ToArray(), await TaskIdsAsync());

        var other = await PostAsync("/api/v1/processes/start",
            new JsonObject { ["workflowId"] = workflowId, ["params"] = new JsonObject() }.ToJsonString(), "start-key");
        var envelope = await other.EnvelopeAsync(HttpStatusCode.Conflict, "Conflict");
        Assert.Equal("Idempotency-Key", envelope["data"]!["precondition"].Str());
    }

    [Fact]
    public async Task An_expired_key_starts_afresh()
    {
        await using var app = new FuncTasksApp(new Dictionary<string, string?> { ["FuncTasks:Idempotency:Window"] = "00:00:00.001" });
        var client = app.Operator();
        var body = TestApi.Task("t", TestApi.DelayStep("wait", 0.1)).ToJsonString();
        var first = await (await PostAsync("/v1/tasks", body, "short-lived", client)).ReadJsonAsync();
        var second = await (await PostAsync("/v1/tasks", body, "short-lived", client)).ReadJsonAsync();

        Assert.NotEqual(first["id"].Str(), second["id"].Str());
        var table = new TableServiceClient(Azurite.ConnectionString).GetTableClient(app.Prefix + "Idempotency");
        Assert.Single(table.Query<TableEntity>().ToList()); // the expired row was replaced, not added to
    }

    [Fact]
    public async Task A_reservation_whose_request_died_is_taken_over_under_its_id_and_a_fresh_one_is_409_in_progress()
    {
        await using var app = new FuncTasksApp(new Dictionary<string, string?>
        {
            ["FuncTasks:Api:RequestTimeout"] = "00:00:05",
            ["FuncTasks:Idempotency:TakeOverAfter"] = "00:00:06",
            ["FuncTasks:Idempotency:WaitForFirst"] = "00:00:00.300",
        });
        var client = app.Operator();
        var keys = app.Services.GetRequiredService<IIdempotencyStore>();
        var body = TestApi.Task("t", TestApi.DelayStep("wait", 0.1)).ToJsonString();
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var scope = "test-operator POST /v1/tasks";

        // A request that reserved its key a minute ago and never created its task (storage failed under it).
        var dead = await keys.ClaimAsync(new IdempotencyRequest(scope, "dead", fingerprint), TaskIds.NewTaskId(TimeProvider.System),
            DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromHours(24), CancellationToken.None);
        var takenOver = await PostAsync("/v1/tasks", body, "dead", client);
        Assert.Equal(HttpStatusCode.Accepted, takenOver.StatusCode);
        Assert.Equal(dead.TaskId.ToString(), (await takenOver.ReadJsonAsync())["id"].Str());

        // A request that reserved its key just now and is still creating: a repeat waits, then hears "in progress".
        await keys.ClaimAsync(new IdempotencyRequest(scope, "busy", fingerprint), TaskIds.NewTaskId(TimeProvider.System),
            DateTimeOffset.UtcNow, TimeSpan.FromHours(24), CancellationToken.None);
        var busy = await PostAsync("/v1/tasks", body, "busy", client);
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Contains("still in progress", (await busy.ReadJsonAsync())["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repeat_after_the_created_job_was_deleted_is_409_and_creates_nothing()
    {
        var body = JobsTestApi.AgentJob().ToJsonString();
        var job = await (await PostAsync("/v1/jobs", body, "deleted-job")).DataAsync(HttpStatusCode.OK, "create job");
        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteAsync($"/v1/jobs/{job["id"].Str()}")).StatusCode);

        var again = await PostAsync("/v1/jobs", body, "deleted-job");

        Assert.Contains("no longer exists", await again.ErrorAsync(HttpStatusCode.Conflict, "Idempotency-Key"), StringComparison.Ordinal);
        Assert.Empty(await TaskIdsAsync());
    }

    [Fact]
    public async Task A_process_start_still_in_progress_is_409_in_the_Cognaize_envelope()
    {
        await using var app = new FuncTasksApp(new Dictionary<string, string?> { ["FuncTasks:Idempotency:WaitForFirst"] = "00:00:00.200" });
        var client = app.Operator();
        var workflowId = await client.CreateWorkflowAsync(ProcessTestApi.Workflow("busy", ProcessTestApi.External("approve")));
        var body = new JsonObject { ["workflowId"] = workflowId }.ToJsonString();
        await app.Services.GetRequiredService<IIdempotencyStore>().ClaimAsync(
            new IdempotencyRequest("test-operator POST /api/v1/processes/start", "busy", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)))),
            TaskIds.NewTaskId(TimeProvider.System), DateTimeOffset.UtcNow, TimeSpan.FromHours(24), CancellationToken.None);

        var response = await PostAsync("/api/v1/processes/start", body, "busy", client);

        var envelope = await response.EnvelopeAsync(HttpStatusCode.Conflict, "Conflict");
        Assert.Contains("still in progress", envelope["data"]!["reason"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_take_over_time_within_the_request_timeout_stops_the_host_at_start()
    {
        Assert.Null(StartupValidation.Refusal(new Dictionary<string, string?> { ["FuncTasks:Idempotency:TakeOverAfter"] = "00:00:31" }));

        var error = StartupValidation.Refusal(new Dictionary<string, string?> { ["FuncTasks:Idempotency:TakeOverAfter"] = "00:00:10" });

        Assert.NotNull(error);
        Assert.Contains("TakeOverAfter must be longer than FuncTasks:Api:RequestTimeout", error.Message, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body, string? key, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return (client ?? Client).SendAsync(request);
    }

    private async Task<string[]> TaskIdsAsync()
    {
        var page = await Client.GetJsonAsync("/v1/tasks?pageSize=100");
        return page["elements"]!.AsArray().Select(e => e!["id"].Str()).ToArray();
    }
}
