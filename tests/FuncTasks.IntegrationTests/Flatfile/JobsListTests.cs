using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Flatfile;

public sealed class JobsListTests : AppTest
{
    [Fact]
    public async Task An_agent_finds_work_by_listing_ready_jobs()
    {
        var ready = (await Client.CreateJobAsync(JobsTestApi.AgentJob("a")))["id"].Str();
        var taken = (await Client.CreateJobAsync(JobsTestApi.AgentJob("b")))["id"].Str();
        await Client.JobActionAsync(taken, "ack");
        await Client.CreateJobAsync(JobsTestApi.AgentJob("c", trigger: "manual"));
        await Client.CreateTaskAsync(TestApi.Task("not a job", TestApi.DelayStep("d", 0)));

        var page = await App.Reader().GetJsonAsync("/v1/jobs?status=ready");

        Assert.Equal([ready], page["data"]!.AsArray().Select(j => j!["id"].Str()));
        Assert.Equal("ready", page["data"]![0]!["status"].Str());
        Assert.Equal(1, page["pagination"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(1, page["pagination"]!["pageCount"]!.GetValue<int>());
        Assert.Equal(1, page["pagination"]!["currentPage"]!.GetValue<int>());
        var executing = await Client.GetJsonAsync("/v1/jobs?status=executing,created");
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
            ids.Add((await Client.CreateJobAsync(job))["id"].Str());
        }

        await Client.JobActionAsync(ids[0], "split", new JsonObject { ["parts"] = 2, ["runInParallel"] = true });

        var first = await Client.GetJsonAsync("/v1/jobs?pageSize=3&pageNumber=1&excludeChildJobs=true");
        Assert.Equal(new JsonObject { ["currentPage"] = 1, ["pageCount"] = 2, ["totalCount"] = 5 }.ToJsonString(), first["pagination"]!.ToJsonString());
        Assert.Equal([ids[4], ids[3], ids[2]], first["data"]!.AsArray().Select(j => j!["id"].Str()));
        var second = await Client.GetJsonAsync("/v1/jobs?pageSize=3&pageNumber=2&excludeChildJobs=true");
        Assert.Equal([ids[1], ids[0]], second["data"]!.AsArray().Select(j => j!["id"].Str()));
        var oldest = await Client.GetJsonAsync("/v1/jobs?pageSize=2&sortDirection=asc&excludeChildJobs=true");
        Assert.Equal([ids[0], ids[1]], oldest["data"]!.AsArray().Select(j => j!["id"].Str()));

        Assert.Equal(7, (await Client.GetJsonAsync("/v1/jobs"))["pagination"]!["totalCount"]!.GetValue<int>());
        var files = await Client.GetJsonAsync("/v1/jobs?type=file");
        Assert.Equal([ids[4]], files["data"]!.AsArray().Select(j => j!["id"].Str()));
        var odd = await Client.GetJsonAsync("/v1/jobs?source=us_wb_odd");
        Assert.Equal([ids[3], ids[1]], odd["data"]!.AsArray().Select(j => j!["id"].Str()));
        var children = await Client.GetJsonAsync($"/v1/jobs?parentId={ids[0]}&excludeChildJobs=true");
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
        var response = await Client.GetAsync($"/v1/jobs?{query}");

        await response.ErrorAsync(HttpStatusCode.BadRequest, key);
    }
}
