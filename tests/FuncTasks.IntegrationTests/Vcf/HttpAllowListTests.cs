using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Vcf;

/// <summary>
/// The allow-list is proven without ever connecting anywhere but loopback: the step's network seams resolve names from
/// a table and record (and refuse) every connection off loopback. A URL the list refuses is a 400 when the task is
/// created; the guard in the connection itself is proven by names that resolve where they should not.
/// </summary>
public sealed class HttpAllowListTests
{
    private readonly InterceptedNetwork _network = new();

    private FuncTasksApp App(params string[] allowedHosts)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < allowedHosts.Length; i++)
        {
            settings[$"FuncTasks:Http:AllowedHosts:{i}"] = allowedHosts[i];
        }

        return new FuncTasksApp(settings, _network.Install);
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { "http://93.184.216.34/hook", "host '93.184.216.34' is not in FuncTasks:Http:AllowedHosts" },
        { "http://hooks.example.test/hook", "host 'hooks.example.test' is not in FuncTasks:Http:AllowedHosts" },
        { "http://10.0.0.5/hook", "host '10.0.0.5' is a private address" },
        { "http://169.254.169.254/latest/meta-data/", "host '169.254.169.254' is the cloud metadata address (link-local)" },
        { "http://[fd00:ec2::254]/latest/meta-data/", "host 'fd00:ec2::254' is the cloud metadata address (unique local)" },
        { "http://[::ffff:192.168.0.1]/", "host '::ffff:192.168.0.1' is a private address (IPv4-mapped 192.168.0.1)" },
        { "http://[fd12:3456::1]:8080/", "host 'fd12:3456::1' is a private (unique local) address" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_url_outside_the_default_loopback_allow_list_is_a_400_at_create_and_nothing_is_stored(string url, string reason)
    {
        await using var app = App();

        var response = await app.Operator().PostAsJsonAsync("/v1/tasks", TestApi.Task("outside", TestApi.HttpStep("call", url)));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {text}");
        Assert.Contains($"steps[0]: Parameter 'url' may not be called: {reason}", JsonNode.Parse(text)!["message"].Str());
        VcfSchema.AssertValid("Error", text);
        Assert.Equal(0, await app.CountTaskRowsAsync());
        Assert.Empty(_network.Connects);
    }

    [Fact]
    public async Task A_configured_host_is_called_and_the_default_loopback_is_then_refused()
    {
        await using var app = App("hooks.example.test");
        _network.Resolve("hooks.example.test", "93.184.216.34");
        var client = app.Operator();

        var allowed = await client.CreateTaskAsync(TestApi.Task("allowed", TestApi.HttpStep("call", "http://hooks.example.test/hook")));
        var loopback = await client.PostAsJsonAsync("/v1/tasks", TestApi.Task("loopback", TestApi.HttpStep("call", "http://127.0.0.1:9/hook")));

        var allowedFailed = await client.WaitForStatusAsync(allowed["id"].Str(), "FAILED");
        Assert.Equal([new IPEndPoint(IPAddress.Parse("93.184.216.34"), 80)], _network.Connects.ToArray());
        Assert.Contains(InterceptedNetwork.InterceptedMessage, allowedFailed["errors"]![0]!["causes"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, loopback.StatusCode);
        Assert.Contains("host '127.0.0.1' is a loopback address, and no IP or CIDR entry of FuncTasks:Http:AllowedHosts covers it",
            (await loopback.ReadJsonAsync())["message"].Str());
        Assert.Equal(1, await app.CountTaskRowsAsync());
    }

    [Fact]
    public async Task A_wildcard_and_a_CIDR_entry_allow_what_they_cover_and_nothing_next_to_it()
    {
        await using var app = App("*.example.test", "10.1.0.0/16");
        var client = app.Operator();

        var wildcard = await client.CreateTaskAsync(TestApi.Task("wildcard", TestApi.HttpStep("call", "http://a.b.example.test/hook")));
        var cidr = await client.CreateTaskAsync(TestApi.Task("cidr", TestApi.HttpStep("call", "http://10.1.2.3:8080/hook")));
        var apex = await client.PostAsJsonAsync("/v1/tasks", TestApi.Task("apex", TestApi.HttpStep("call", "http://example.test/hook")));
        var beside = await client.PostAsJsonAsync("/v1/tasks", TestApi.Task("beside", TestApi.HttpStep("call", "http://10.2.0.1/hook")));

        Assert.Equal(HttpStatusCode.BadRequest, apex.StatusCode);
        Assert.Contains("host 'example.test' is not in FuncTasks:Http:AllowedHosts", (await apex.ReadJsonAsync())["message"].Str());
        Assert.Equal(HttpStatusCode.BadRequest, beside.StatusCode);
        Assert.Contains("host '10.2.0.1' is a private address", (await beside.ReadJsonAsync())["message"].Str());
        Assert.Equal(2, await app.CountTaskRowsAsync());

        // Both passed the guard: the name went to the (test) resolver, the covered private address to the (test) connector.
        Assert.Contains("The test resolver does not know 'a.b.example.test'", (await client.WaitForStatusAsync(wildcard["id"].Str(), "FAILED"))["errors"]![0]!["message"].Str());
        Assert.Contains(InterceptedNetwork.InterceptedMessage, (await client.WaitForStatusAsync(cidr["id"].Str(), "FAILED"))["errors"]!.ToJsonString());
        Assert.Equal(["a.b.example.test"], _network.Lookups.ToArray());
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.1.2.3"), 8080)], _network.Connects.ToArray());
    }
}
