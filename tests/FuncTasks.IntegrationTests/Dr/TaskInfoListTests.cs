using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Dr;

/// <summary>Three finished tasks, oldest first: ok1 (TEST_RUN), ok2 (TEST_RUN), bad (OTHER, failed).</summary>
public sealed class ThreeTasksFixture : IAsyncLifetime
{
    public FuncTasksApp App { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public string[] OldestFirst { get; private set; } = [];

    private TargetServer _target = null!;

    public async Task InitializeAsync()
    {
        _target = await TargetServer.StartAsync();
        _target.Respond("no", 500, "no");
        Client = App.Operator();
        var ok1 = (await Client.CreateTaskAsync(TestApi.Task("ok one", TestApi.DelayStep("d", 0))))["id"].Str();
        await Client.WaitForInfoAsync(ok1, t => t["status"].Str() == "SUCCESS");
        var ok2 = (await Client.CreateTaskAsync(TestApi.Task("ok two", TestApi.DelayStep("d", 0))))["id"].Str();
        await Client.WaitForInfoAsync(ok2, t => t["status"].Str() == "SUCCESS");
        var bad = new JsonObject { ["name"] = "bad", ["type"] = "OTHER", ["steps"] = new JsonArray(TestApi.HttpStep("no", _target.Url("no"))) };
        var badId = (await Client.CreateTaskAsync(bad))["id"].Str();
        await Client.WaitForInfoAsync(badId, t => t["status"].Str() == "ERROR");
        OldestFirst = [ok1, ok2, badId];
    }

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        await App.DisposeAsync();
    }
}

public sealed class TaskInfoListTests(ThreeTasksFixture fixture) : IClassFixture<ThreeTasksFixture>
{
    private string[] NewestFirst => fixture.OldestFirst.Reverse().ToArray();

    private async Task<(string[] Ids, JsonObject Meta)> ListAsync(string query)
    {
        var page = await fixture.Client.GetJsonAsync($"/tasks{query}");
        Assert.Equal(["_meta", "list"], page.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var task in page["list"]!.AsArray())
        {
            TaskInfoSeed.AssertMatches(task!.AsObject());
        }

        return (page["list"]!.AsArray().Select(t => t!["id"].Str()).ToArray(), page["_meta"]!.AsObject());
    }

    [Fact]
    public async Task Without_parameters_all_tasks_come_newest_first_with_the_default_limit_of_100()
    {
        var (ids, meta) = await ListAsync("");

        Assert.Equal(NewestFirst, ids);
        Assert.Equal(3, meta["total"]!.GetValue<int>());
        Assert.Equal(100, meta["limit"]!.GetValue<int>());
        Assert.Equal(0, meta["offset"]!.GetValue<int>());
        Assert.Empty(meta["errors"]!.AsArray());
    }

    [Fact]
    public async Task Limit_and_offset_page_through_the_tasks()
    {
        Assert.Equal(NewestFirst[..2], (await ListAsync("?limit=2")).Ids);
        Assert.Equal(NewestFirst[2..], (await ListAsync("?limit=2&offset=2")).Ids);
        Assert.Empty((await ListAsync("?limit=2&offset=3")).Ids);
        Assert.Equal(3, (await ListAsync("?limit=1&offset=1")).Meta["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Filter_on_status_or_type_returns_only_matching_tasks()
    {
        Assert.Equal([fixture.OldestFirst[2]], (await ListAsync("?filter_property=status&filter=ERROR")).Ids);
        Assert.Equal(NewestFirst[1..], (await ListAsync("?filter_property=status&filter=SUCCESS")).Ids);
        Assert.Equal(NewestFirst, (await ListAsync("?filter_property=status&filter=SUCCESS&filter=ERROR")).Ids);
        Assert.Equal(NewestFirst, (await ListAsync("?filter_property=status&filter=success,error")).Ids);
        Assert.Empty((await ListAsync("?filter_property=status&filter=RUNNING")).Ids);
        Assert.Equal([fixture.OldestFirst[2]], (await ListAsync("?filter_property=type&filter=OTHER")).Ids);
        var (typed, meta) = await ListAsync("?filter_property=type&filter=TEST_RUN&limit=1");
        Assert.Equal([fixture.OldestFirst[1]], typed);
        Assert.Equal(2, meta["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sort_by_start_time_or_id_in_either_order()
    {
        Assert.Equal(fixture.OldestFirst, (await ListAsync("?sort_by=start_time")).Ids);
        Assert.Equal(fixture.OldestFirst, (await ListAsync("?sort_by=start_time&order_by=asc")).Ids);
        Assert.Equal(NewestFirst, (await ListAsync("?sort_by=start_time&order_by=descending")).Ids);
        Assert.Equal(fixture.OldestFirst.Order(StringComparer.Ordinal), (await ListAsync("?sort_by=id&order_by=asc")).Ids);
        Assert.Equal(fixture.OldestFirst.OrderDescending(StringComparer.Ordinal), (await ListAsync("?sort_by=id&order_by=desc")).Ids);
        Assert.Equal(fixture.OldestFirst[..2], (await ListAsync("?sort_by=start_time&limit=2")).Ids);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("filter_property=status", "filter")]
    [InlineData("filter=ERROR", "filter")]
    [InlineData("filter_property=status&filter=DONE", "DONE")]
    [InlineData("filter_property=name&filter=bad", "status or type")]
    [InlineData("filter_property=type&filter=A&filter=B", "one value")]
    [InlineData("sort_by=progress", "start_time or id")]
    [InlineData("sort_by=id&order_by=up", "order_by")]
    public async Task Bad_paging_filter_or_sort_returns_400_with_error_code_and_op_id(string query, string expected)
    {
        var body = await (await fixture.Client.GetAsync($"/tasks?{query}")).ResponseErrorAsync(HttpStatusCode.BadRequest);

        Assert.Equal("INVALID_REQUEST", body["error_code"].Str());
        Assert.Contains(expected, body["message"].Str());
    }
}
