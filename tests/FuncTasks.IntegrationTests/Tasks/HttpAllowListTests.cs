using System.Collections.Concurrent;
using System.Net;
using FuncTasks.Core.Actions;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Tasks;

/// <summary>
/// The allow-list is proven without ever connecting anywhere but loopback: the step's HTTP client gets a
/// connect callback that records the endpoint and refuses, so an attempted call shows up as a record.
/// </summary>
public sealed class HttpAllowListTests
{
    private readonly ConcurrentQueue<string> _connects = new();

    private FuncTasksApp App(params string[] allowedHosts)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < allowedHosts.Length; i++)
        {
            settings[$"FuncTasks:Http:AllowedHosts:{i}"] = allowedHosts[i];
        }

        return new FuncTasksApp(settings, services => services.AddHttpClient(HttpStepAction.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectCallback = (context, _) =>
                {
                    _connects.Enqueue($"{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}");
                    throw new HttpRequestException("Connection intercepted by the test.");
                },
            }));
    }

    [Fact]
    public async Task A_host_outside_the_default_loopback_allow_list_is_refused_without_connecting()
    {
        await using var app = App();
        var client = app.Operator();
        var created = await client.CreateTaskAsync(TestApi.Task("outside", TestApi.HttpStep("call", "http://203.0.113.10/hook")));

        var failed = await client.WaitForStatusAsync(created["id"].Str(), "FAILED");

        Assert.Contains("Host '203.0.113.10' is not in FuncTasks:Http:AllowedHosts", failed["errors"]![0]!["message"].Str());
        Assert.Empty(_connects);
    }

    [Fact]
    public async Task A_configured_host_is_called_and_the_default_loopback_is_then_refused()
    {
        await using var app = App("hooks.example.test");
        var client = app.Operator();
        var allowed = await client.CreateTaskAsync(TestApi.Task("allowed", TestApi.HttpStep("call", "http://hooks.example.test/hook")));
        var loopback = await client.CreateTaskAsync(TestApi.Task("loopback", TestApi.HttpStep("call", "http://127.0.0.1:9/hook")));

        var allowedFailed = await client.WaitForStatusAsync(allowed["id"].Str(), "FAILED");
        var loopbackFailed = await client.WaitForStatusAsync(loopback["id"].Str(), "FAILED");

        Assert.Equal(["hooks.example.test:80"], _connects.ToArray());
        Assert.Contains("intercepted", allowedFailed["errors"]![0]!["causes"]!.ToJsonString());
        Assert.Contains("Host '127.0.0.1' is not in FuncTasks:Http:AllowedHosts", loopbackFailed["errors"]![0]!["message"].Str());
    }
}
