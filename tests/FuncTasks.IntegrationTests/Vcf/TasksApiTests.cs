using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Vcf;

public sealed class TasksApiTests : AppTest
{
    [Fact]
    public async Task Three_http_steps_against_a_local_server_end_successful()
    {
        var created = await Client.CreateTaskAsync(TestApi.Task("three calls",
            TestApi.HttpStep("a", Target.Url("a")), TestApi.HttpStep("b", Target.Url("b")), TestApi.HttpStep("c", Target.Url("c"))));
        Assert.Equal("IN_PROGRESS", created["status"].Str());

        var task = await Client.WaitForStatusAsync(created["id"].Str(), "SUCCESSFUL");

        Assert.All(task["subTasks"]!.AsArray(), s => Assert.Equal("SUCCESSFUL", s!["status"].Str()));
        Assert.Equal([1, 1, 1], new[] { Target.Calls("a"), Target.Calls("b"), Target.Calls("c") });
        Assert.NotNull(task["completionTimestamp"]);
        Assert.Equal("RESOLVED", task["resolutionStatus"].Str());
        VcfSchema.AssertValid("Task", task.ToJsonString());
    }

    [Fact]
    public async Task Create_answers_202_with_the_task_and_its_location()
    {
        var response = await Client.PostAsJsonAsync("/v1/tasks", TestApi.Task("located", TestApi.DelayStep("d", 0)));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var task = JsonNode.Parse(body)!;
        Assert.Equal($"/v1/tasks/{task["id"].Str()}", response.Headers.Location?.ToString());
        Assert.True(Guid.TryParse(task["id"].Str(), out _));
        Assert.Equal("located", task["name"].Str());
        Assert.Equal("TEST_RUN", task["type"].Str());
        Assert.Single(task["subTasks"]!.AsArray());
        Assert.True(Guid.TryParse(task["subTasks"]![0]!["id"].Str(), out _));
        VcfSchema.AssertValid("Task", body);
    }

    [Fact]
    public async Task A_step_answering_500_fails_the_task_and_retry_resumes_at_the_failed_step()
    {
        Target.Respond("b", 500, "database is down");
        var created = await Client.CreateTaskAsync(TestApi.Task("fails at b",
            TestApi.HttpStep("a", Target.Url("a")), TestApi.HttpStep("b", Target.Url("b")), TestApi.HttpStep("c", Target.Url("c"))));
        var id = created["id"].Str();

        var failed = await Client.WaitForStatusAsync(id, "FAILED");

        var error = failed["errors"]![0]!;
        Assert.Contains("'b'", error["message"].Str());
        Assert.Contains("500", error["message"].Str());
        Assert.Contains("database is down", error["message"].Str());
        Assert.Equal("b", error["context"]!["stepName"].Str());
        Assert.True(failed["isRetryable"]!.GetValue<bool>());
        Assert.Equal("UNRESOLVED", failed["resolutionStatus"].Str());
        Assert.Equal(["SUCCESSFUL", "FAILED", "PENDING"], failed["subTasks"]!.AsArray().Select(s => s!["status"].Str()));
        Assert.Equal(0, Target.Calls("c"));
        VcfSchema.AssertValid("Task", failed.ToJsonString());

        Target.Respond("b", 200, "recovered");
        var retry = await Client.PatchAsync($"/v1/tasks/{id}", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(string.Empty, await retry.Content.ReadAsStringAsync());

        var done = await Client.WaitForStatusAsync(id, "SUCCESSFUL");
        Assert.Empty(done["errors"]!.AsArray());
        Assert.Equal(1, Target.Calls("a"));
        Assert.Equal(2, Target.Calls("b"));
        Assert.Equal(1, Target.Calls("c"));
    }

    [Fact]
    public async Task Retry_of_a_successful_task_returns_409_with_error_body()
    {
        var created = await Client.CreateTaskAsync(TestApi.Task("ok", TestApi.DelayStep("d", 0)));
        await Client.WaitForStatusAsync(created["id"].Str(), "SUCCESSFUL");

        var response = await Client.PatchAsync($"/v1/tasks/{created["id"].Str()}", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var error = JsonNode.Parse(body)!;
        Assert.Equal("Task can not be retried. Only a failed Task can be retried.", error["message"].Str());
        Assert.Equal("SUCCESSFUL", error["context"]!["status"].Str());
        VcfSchema.AssertValid("Error", body);
    }

    [Fact]
    public async Task Retry_of_an_in_progress_task_returns_409()
    {
        var created = await Client.CreateTaskAsync(TestApi.Task("slow", TestApi.DelayStep("d", 30)));

        var response = await Client.PatchAsync($"/v1/tasks/{created["id"].Str()}", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("IN_PROGRESS", (await response.ReadJsonAsync())["context"]!["status"].Str());
        await Client.DeleteAsync($"/v1/tasks/{created["id"].Str()}");
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("GET")]
    public async Task Unknown_task_returns_404_with_error_body(string method)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/v1/tasks/{Guid.NewGuid()}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("TASK_NOT_FOUND", JsonNode.Parse(body)!["errorCode"].Str());
        VcfSchema.AssertValid("Error", body);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("12345")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task An_id_that_is_not_a_guid_returns_404_never_500(string id)
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Patch, HttpMethod.Delete })
        {
            var response = await Client.SendAsync(new HttpRequestMessage(method, $"/v1/tasks/{id}"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("TASK_NOT_FOUND", (await response.ReadJsonAsync())["errorCode"].Str());
        }
    }

    [Fact]
    public async Task Cancel_of_a_running_task_signals_the_step_and_no_later_step_runs()
    {
        Target.Respond("slow", 200, "late", TimeSpan.FromSeconds(30));
        var created = await Client.CreateTaskAsync(TestApi.Task("to cancel",
            TestApi.HttpStep("slow", Target.Url("slow")), TestApi.HttpStep("after", Target.Url("after"))));
        var id = created["id"].Str();
        await Target.Entered("slow").WaitAsync(TimeSpan.FromSeconds(30));

        var response = await Client.DeleteAsync($"/v1/tasks/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var task = await Client.GetJsonAsync($"/v1/tasks/{id}");
        Assert.Equal("CANCELLED", task["status"].Str());
        Assert.False(task["isCancellable"]!.GetValue<bool>());
        Assert.Equal(["CANCELLED", "CANCELLED"], task["subTasks"]!.AsArray().Select(s => s!["status"].Str()));
        await Eventually.Until(() => Target.Cancelled("slow") == 1, "the running step's call was cancelled", every: TimeSpan.FromMilliseconds(20));
        Assert.Equal(0, Target.Calls("after"));
        VcfSchema.AssertValid("Task", task.ToJsonString());
    }

    [Fact]
    public async Task Cancel_of_a_running_delay_step_ends_cancelled()
    {
        var created = await Client.CreateTaskAsync(TestApi.Task("delay then call", TestApi.DelayStep("wait", 60), TestApi.HttpStep("after", Target.Url("after"))));
        var id = created["id"].Str();
        await Client.WaitForTaskAsync(id, t => t["subTasks"]![0]!["status"].Str() == "IN_PROGRESS");

        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteAsync($"/v1/tasks/{id}")).StatusCode);

        var task = await Client.WaitForStatusAsync(id, "CANCELLED");
        Assert.Equal(0, Target.Calls("after"));
        Assert.Equal("CANCELLED", task["subTasks"]![0]!["status"].Str());
    }

    [Fact]
    public async Task Cancel_of_a_finished_task_returns_409_with_error_body()
    {
        var created = await Client.CreateTaskAsync(TestApi.Task("done", TestApi.DelayStep("d", 0)));
        await Client.WaitForStatusAsync(created["id"].Str(), "SUCCESSFUL");

        var response = await Client.DeleteAsync($"/v1/tasks/{created["id"].Str()}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("Task can not be cancelled. Only a IN_PROGRESS task can be cancelled.", JsonNode.Parse(body)!["message"].Str());
        VcfSchema.AssertValid("Error", body);
    }

    [Fact]
    public async Task Fifty_concurrent_retries_of_one_failed_task_let_exactly_one_win()
    {
        Target.Respond("flaky", 503, "busy");
        var created = await Client.CreateTaskAsync(TestApi.Task("contended", TestApi.HttpStep("flaky", Target.Url("flaky"))));
        var id = created["id"].Str();
        await Client.WaitForStatusAsync(id, "FAILED");
        Target.Respond("flaky", 200, "fine");

        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.WaitAsync();
            return await Client.PatchAsync($"/v1/tasks/{id}", null);
        }).ToList();
        start.Release(50);
        var responses = await Task.WhenAll(requests);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(49, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        await Client.WaitForStatusAsync(id, "SUCCESSFUL");
        Assert.Equal(2, Target.Calls("flaky"));
    }

    [Fact]
    public async Task A_non_2xx_body_is_cut_to_one_kilobyte_in_the_error()
    {
        Target.Respond("big", 502, new string('x', 5000));
        var created = await Client.CreateTaskAsync(TestApi.Task("big error", TestApi.HttpStep("big", Target.Url("big"))));

        var failed = await Client.WaitForStatusAsync(created["id"].Str(), "FAILED");

        var message = failed["subTasks"]![0]!["errors"]![0]!["message"].Str();
        Assert.Contains("502", message);
        Assert.Equal(1024, message.Count(c => c == 'x'));
    }

    [Fact]
    public async Task A_call_that_outlasts_timeoutSeconds_fails_the_step_with_a_timeout()
    {
        Target.Respond("hang", 200, "late", TimeSpan.FromSeconds(20));
        var created = await Client.CreateTaskAsync(TestApi.Task("times out", TestApi.HttpStep("hang", Target.Url("hang"), timeoutSeconds: 1)));

        var failed = await Client.WaitForStatusAsync(created["id"].Str(), "FAILED");

        Assert.Contains("timed out after 1 s", failed["errors"]![0]!["message"].Str());
    }

    [Fact]
    public async Task Listing_filters_by_status_type_and_name_and_pages_newest_first()
    {
        Target.Respond("no", 500, "no");
        var ok1 = await Client.CreateTaskAsync(TestApi.Task("alpha one", TestApi.DelayStep("d", 0)));
        var ok2 = await Client.CreateTaskAsync(TestApi.Task("alpha two", TestApi.DelayStep("d", 0)));
        var bad = await Client.CreateTaskAsync(TestApi.Task("beta", TestApi.HttpStep("no", Target.Url("no"))));
        await Client.WaitForStatusAsync(ok1["id"].Str(), "SUCCESSFUL");
        await Client.WaitForStatusAsync(ok2["id"].Str(), "SUCCESSFUL");
        await Client.WaitForStatusAsync(bad["id"].Str(), "FAILED");

        var all = await Client.GetJsonAsync("/v1/tasks?pageSize=2&pageNumber=1");
        VcfSchema.AssertValid("PageOfTask", all.ToJsonString());
        Assert.Equal(3, all["pageMetadata"]!["totalElements"]!.GetValue<int>());
        Assert.Equal(2, all["pageMetadata"]!["totalPages"]!.GetValue<int>());
        Assert.Equal([bad["id"].Str(), ok2["id"].Str()], all["elements"]!.AsArray().Select(e => e!["id"].Str()));

        var second = await Client.GetJsonAsync("/v1/tasks?pageSize=2&pageNumber=2");
        Assert.Equal([ok1["id"].Str()], second["elements"]!.AsArray().Select(e => e!["id"].Str()));

        var failed = await Client.GetJsonAsync("/v1/tasks?taskStatus=FAILED");
        Assert.Equal([bad["id"].Str()], failed["elements"]!.AsArray().Select(e => e!["id"].Str()));

        var named = await Client.GetJsonAsync("/v1/tasks?taskName=alpha&orderDirection=ASC");
        Assert.Equal([ok1["id"].Str(), ok2["id"].Str()], named["elements"]!.AsArray().Select(e => e!["id"].Str()));

        var typed = await Client.GetJsonAsync("/v1/tasks?taskType=OTHER");
        Assert.Empty(typed["elements"]!.AsArray());
    }

    [Theory]
    [InlineData("pageSize=101")]
    [InlineData("pageSize=0")]
    [InlineData("pageNumber=0")]
    [InlineData("pageSize=ten")]
    [InlineData("taskStatus=DONE")]
    public async Task Listing_with_bad_paging_or_filters_returns_400(string query)
    {
        var response = await Client.GetAsync($"/v1/tasks?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        VcfSchema.AssertValid("Error", await response.Content.ReadAsStringAsync());
    }
}
