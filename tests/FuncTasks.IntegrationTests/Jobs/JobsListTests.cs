using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Jobs;

public sealed class JobsListTests : IAsyncLifetime
{
    private readonly FuncTasksApp _app = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.Operator();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_agent_finds_work_by_listing_ready_jobs()
    {
        var ready = (await _client.CreateJobAsync(JobsTestApi.AgentJob("a")))["id"].Str();
        var taken = (await _client.CreateJobAsync(JobsTestApi.AgentJob("b")))["id"].Str();
        await _client.JobActionAsync(taken, "ack");
        await _client.CreateJobAsync(JobsTestApi.AgentJob("c", trigger: "manual"));
        await _client.CreateTaskAsync(TestApi.Task("not a job", TestApi.DelayStep("d", 0)));

        var page = await _app.Reader().GetJsonAsync("/v1/jobs?status=ready");

        Assert.Equal([ready], page["data"]!.AsArray().Select(j => j!["id"].Str()));
        Assert.Equal("ready", page["data"]![0]!["status"].Str());
        Assert.Equal(1, page["pagination"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(1, page["pagination"]!["pageCount"]!.GetValue<int>());
        Assert.Equal(1, page["pagination"]!["currentPage"]!.GetValue<int>());
        var executing = await _client.GetJsonAsync("/v1/jobs?status=executing,created");
        Assert.Equal(2, executing["pagination"]!["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Listing_pages_newest_first_by_default_and_filters_by_type_source_and_parent()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var job = JobsTestApi.AgentJob($"op{i}", source: i % 2 == 0 ? "us_wb_even" : "us_wb_odd");
            job["type"] = i == 4 ? "file" : "workbook";
            ids.Add((await _client.CreateJobAsync(job))["id"].Str());
        }

        await _client.JobActionAsync(ids[0], "split", new JsonObject { ["parts"] = 2, ["runInParallel"] = true });

        var first = await _client.GetJsonAsync("/v1/jobs?pageSize=3&pageNumber=1&excludeChildJobs=true");
        Assert.Equal(new JsonObject { ["currentPage"] = 1, ["pageCount"] = 2, ["totalCount"] = 5 }.ToJsonString(), first["pagination"]!.ToJsonString());
        Assert.Equal([ids[4], ids[3], ids[2]], first["data"]!.AsArray().Select(j => j!["id"].Str()));
        var second = await _client.GetJsonAsync("/v1/jobs?pageSize=3&pageNumber=2&excludeChildJobs=true");
        Assert.Equal([ids[1], ids[0]], second["data"]!.AsArray().Select(j => j!["id"].Str()));
        var oldest = await _client.GetJsonAsync("/v1/jobs?pageSize=2&sortDirection=asc&excludeChildJobs=true");
        Assert.Equal([ids[0], ids[1]], oldest["data"]!.AsArray().Select(j => j!["id"].Str()));

        Assert.Equal(7, (await _client.GetJsonAsync("/v1/jobs"))["pagination"]!["totalCount"]!.GetValue<int>());
        var files = await _client.GetJsonAsync("/v1/jobs?type=file");
        Assert.Equal([ids[4]], files["data"]!.AsArray().Select(j => j!["id"].Str()));
        var odd = await _client.GetJsonAsync("/v1/jobs?source=us_wb_odd");
        Assert.Equal([ids[3], ids[1]], odd["data"]!.AsArray().Select(j => j!["id"].Str()));
        var children = await _client.GetJsonAsync($"/v1/jobs?parentId={ids[0]}&excludeChildJobs=true");
        Assert.Equal(2, children["pagination"]!["totalCount"]!.GetValue<int>());
        Assert.All(children["data"]!.AsArray(), c => Assert.Equal(ids[0], c!["parentId"].Str()));
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageNumber=0", "pageNumber")]
    [InlineData("pageNumber=x", "pageNumber")]
    [InlineData("sortDirection=up", "sortDirection")]
    [InlineData("type=spreadsheet", "type")]
    [InlineData("excludeChildJobs=maybe", "excludeChildJobs")]
    public async Task A_bad_list_query_returns_400_naming_the_parameter(string query, string key)
    {
        var response = await _client.GetAsync($"/v1/jobs?{query}");

        await response.ErrorAsync(HttpStatusCode.BadRequest, key);
    }
}
