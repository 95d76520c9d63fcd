using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Flatfile;
using FuncTasks.IntegrationTests.Cognaize;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>
/// Storage failing in each way it can (refusing connections, answering 5xx, hanging), put between the host and the
/// real Azurite by a loopback proxy: every dialect answers 503 in its own error body with Retry-After, promptly,
/// changes nothing, and serves again as soon as storage is back.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private StorageProxy _tables = null!;
    private StorageProxy _queues = null!;
    private readonly CapturedLogs _logs = new();
    private FuncTasksApp _app = null!;
    private HttpClient _client = null!;
    private string _taskId = null!;
    private string _jobId = null!;
    private string _processId = null!;
    private string _workflowId = null!;

    public async Task InitializeAsync()
    {
        (var connection, _tables, _queues) = StorageProxy.InFrontOfAzurite();
        _app = new FuncTasksApp(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["FuncTasks:Storage:Retry:MaxRetries"] = "2",
            ["FuncTasks:Storage:Retry:Delay"] = "00:00:00.050",
            ["FuncTasks:Storage:Retry:MaxDelay"] = "00:00:00.200",
            ["FuncTasks:Storage:Retry:NetworkTimeout"] = "00:00:01",
            ["FuncTasks:Api:RequestTimeout"] = "00:00:04",
            ["FuncTasks:Api:UnavailableRetryAfter"] = "00:00:07",
        }, services => services.AddSingleton<ILoggerProvider>(_logs));
        _client = _app.Operator();
        _taskId = (await _client.CreateTaskAsync(TestApi.Task("before the outage", TestApi.DelayStep("wait", 0.1))))["id"].Str();
        _jobId = (await _client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        _workflowId = await _client.CreateWorkflowAsync(ProcessTestApi.Workflow("outage", ProcessTestApi.External("approve")));
        _processId = (await _client.StartProcessAsync(_workflowId))["processId"].Str();
    }

    public async Task DisposeAsync()
    {
        _tables.Mode = StorageMode.Up;
        _queues.Mode = StorageMode.Up;
        await _app.DisposeAsync();
        await _tables.DisposeAsync();
        await _queues.DisposeAsync();
    }

    [Theory]
    [InlineData(StorageMode.Refuse)]
    [InlineData(StorageMode.ServerError)]
    [InlineData(StorageMode.Hang)]
    public async Task Every_dialect_answers_503_with_Retry_After_and_serves_again_when_storage_returns(StorageMode mode)
    {
        var before = await ListIdsAsync();
        _tables.Mode = mode;
        _queues.Mode = mode;

        foreach (var (method, path, body) in Requests())
        {
            var (response, elapsed) = await SendAsync(method, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{method} {path} during {mode}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
            Assert.True(elapsed < Bound, $"{method} {path} took {elapsed.TotalSeconds:0.0} s during {mode}");
            await AssertDialectBodyAsync(path, response);
        }

        await WaitForHealthAsync("Degraded"); // the queue workers have met the outage and back off

        _tables.Mode = StorageMode.Up;
        _queues.Mode = StorageMode.Up;

        await WaitForHealthAsync("Healthy");
        var task = await _client.WaitForStatusAsync(_taskId, "SUCCESSFUL");
        Assert.Equal(_taskId, task["id"].Str());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/v1/jobs/{_jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/v1/processes/{_processId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/tasks/{_taskId}")).StatusCode);
        Assert.Equal(before, await ListIdsAsync()); // the creates refused with 503 created nothing
    }

    private IEnumerable<(HttpMethod Method, string Path, string? Body)> Requests()
    {
        yield return (HttpMethod.Get, $"/v1/tasks/{_taskId}", null);
        yield return (HttpMethod.Get, "/v1/tasks", null);
        yield return (HttpMethod.Post, "/v1/tasks", TestApi.Task("during the outage", TestApi.DelayStep("wait", 0.1)).ToJsonString());
        yield return (HttpMethod.Get, $"/v1/jobs/{_jobId}", null);
        yield return (HttpMethod.Post, "/v1/jobs", JobsTestApi.AgentJob().ToJsonString());
        yield return (HttpMethod.Get, $"/api/v1/processes/{_processId}", null);
        yield return (HttpMethod.Post, "/api/v1/processes/start", new JsonObject { ["workflowId"] = _workflowId }.ToJsonString());
        yield return (HttpMethod.Get, $"/tasks/{_taskId}", null);
        yield return (HttpMethod.Get, "/tasks", null);
    }

    private async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> SendAsync(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var watch = Stopwatch.StartNew();
        var response = await _client.SendAsync(request);
        return (response, watch.Elapsed);
    }

    private async Task AssertDialectBodyAsync(string path, HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        if (path.StartsWith("/v1/tasks", StringComparison.Ordinal))
        {
            Assert.Equal("SERVICE_UNAVAILABLE", body["errorCode"].Str());
            Assert.True(Guid.TryParse(body["referenceToken"].Str(), out _));
            VcfSchema.AssertValid("Error", body.ToJsonString());
        }
        else if (path.StartsWith("/v1/jobs", StringComparison.Ordinal))
        {
            Assert.Contains("retry after 7 s", body["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
        }
        else if (path.StartsWith("/api/v1/processes", StringComparison.Ordinal))
        {
            Assert.Equal("Service Unavailable", body["message"].Str());
            Assert.True(Guid.TryParse(body["data"].Str(), out _));
            Assert.Equal(ProcessTestApi.ServiceVersion, body["version"].Str());
        }
        else
        {
            Assert.Equal("SERVICE_UNAVAILABLE", body["error_code"].Str());
            Assert.True(Guid.TryParse(body["op_id"].Str(), out _));
        }

        Assert.DoesNotContain("Exception", body.ToJsonString(), StringComparison.Ordinal);
        var reference = body["referenceToken"] ?? body["op_id"] ?? (body["version"] is null ? null : body["data"]);
        if (reference is not null)
        {
            // The reference a caller quotes is in one warning line with the cause in words, not a stack.
            var line = Assert.Single(_logs.Entries, e => e.Message.Contains(reference.Str(), StringComparison.Ordinal));
            Assert.Equal(LogLevel.Warning, line.Level);
            Assert.Contains("answered 503", line.Message, StringComparison.Ordinal);
            Assert.Null(line.Exception);
        }
    }

    private async Task WaitForHealthAsync(string status)
    {
        var health = await Eventually.Value(() => _client.GetJsonAsync("/healthz"), h => h["status"].Str() == status,
            $"/healthz reports {status}", describe: h => h.ToJsonString());
        Assert.Equal(status == "Healthy" ? "available" : "unavailable", health["storage"].Str());
    }

    private async Task<string[]> ListIdsAsync()
    {
        var page = await _client.GetJsonAsync("/v1/tasks?pageSize=100");
        return page["elements"]!.AsArray().Select(e => e!["id"].Str()).Order(StringComparer.Ordinal).ToArray();
    }
}
