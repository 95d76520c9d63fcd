using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Processes;

public sealed class RestartFailedStepTests : IAsyncLifetime
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

    private async Task<(string ProcessId, string FailedStepId)> StartFailingAtTheSecondStepAsync()
    {
        _target.Respond("broken", 500, "database is down");
        var workflowId = await _client.CreateWorkflowAsync(ProcessTestApi.Workflow("three calls",
            ProcessTestApi.Http("first", _target.Url("first")),
            ProcessTestApi.Http("second", _target.Url("broken")),
            ProcessTestApi.Http("third", _target.Url("third"))));
        var started = await _client.StartProcessAsync(workflowId);
        var processId = started["processId"].Str();
        var failed = await _client.WaitForProcessStatusAsync(processId, "FAILED");
        Assert.Equal(["COMPLETED", "FAILED", "PENDING"], failed.StepStatuses());
        return (processId, failed.StepOf(1)["processStepId"].Str());
    }

    [Fact]
    public async Task Restart_with_a_corrected_url_reruns_only_that_step_with_the_new_url_and_the_process_completes()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();

        var response = await _client.RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param(_target.Url("fixed")) });

        var data = (await response.EnvelopeAsync(HttpStatusCode.OK))["data"]!;
        Assert.Equal(processId, data["processId"].Str());
        Assert.Equal(stepId, data["processStepId"].Str());
        Assert.Equal(_target.Url("fixed"), data["params"]!["url"]!["strValue"].Str());
        Assert.Equal("STRING", data["params"]!["url"]!["type"].Str());
        Assert.Equal("POST", data["params"]!["method"]!["strValue"].Str());

        var process = await _client.WaitForProcessStatusAsync(processId, "COMPLETED");
        Assert.Equal(["COMPLETED", "COMPLETED", "COMPLETED"], process.StepStatuses());
        Assert.Equal(1, _target.Calls("first"));
        Assert.Equal(1, _target.Calls("broken"));
        Assert.Equal(1, _target.Calls("fixed"));
        Assert.Equal(1, _target.Calls("third"));
        Assert.Equal(100, process["progress"]!.GetValue<int>());

        var attempts = process.StepOf(1)["attempts"]!.AsArray();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("FAILED", attempts[0]!["status"].Str());
        Assert.Equal(_target.Url("broken"), attempts[0]!["params"]!["url"]!["strValue"].Str());
        Assert.Contains("answered 500", attempts[0]!["error"]!["message"].Str());
        Assert.Contains("database is down", attempts[0]!["error"]!["message"].Str());
        Assert.Equal("COMPLETED", attempts[1]!["status"].Str());
        Assert.Equal(_target.Url("fixed"), attempts[1]!["params"]!["url"]!["strValue"].Str());
        Assert.Single(process.StepOf(0)["attempts"]!.AsArray());
        Assert.Single(process.StepOf(2)["attempts"]!.AsArray());
    }

    [Fact]
    public async Task Of_20_simultaneous_restarts_of_one_failed_step_exactly_one_gets_200_and_the_step_runs_once_more()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();
        var fixedUrl = new JsonObject { ["url"] = TestApi.Param(_target.Url("fixed")) };

        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.WaitAsync();
            return await _client.RestartAsync(stepId, (JsonObject)fixedUrl.DeepClone());
        }).ToList();
        start.Release(20);
        var responses = await Task.WhenAll(requests);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            var data = await refused.PreconditionFailedAsync("processStepStatus");
            Assert.Contains(data["actualStatus"].Str(), new[] { "STARTED", "COMPLETED" });
        }

        await _client.WaitForProcessStatusAsync(processId, "COMPLETED");
        Assert.Equal(1, _target.Calls("fixed"));
        Assert.Equal(1, _target.Calls("broken"));
        Assert.Equal(1, _target.Calls("third"));
    }

    [Fact]
    public async Task Restart_of_a_step_that_is_not_failed_returns_412_naming_its_status()
    {
        var (processId, _) = await StartFailingAtTheSecondStepAsync();
        var completedStep = (await _client.GetProcessAsync(processId)).StepOf(0)["processStepId"].Str();

        var response = await _client.RestartAsync(completedStep, new JsonObject { ["url"] = TestApi.Param(_target.Url("elsewhere")) });

        var data = await response.PreconditionFailedAsync("processStepStatus");
        Assert.Equal("COMPLETED", data["actualStatus"].Str());
        Assert.Contains("only a FAILED step can be restarted", data["reason"].Str());
        var process = await _client.GetProcessAsync(processId);
        Assert.Equal(_target.Url("first"), process.StepOf(0)["params"]!["url"]!["strValue"].Str());
        Assert.Equal(["COMPLETED", "FAILED", "PENDING"], process.StepStatuses());
    }

    [Fact]
    public async Task Restart_of_a_pending_step_returns_412_naming_PENDING()
    {
        var (processId, _) = await StartFailingAtTheSecondStepAsync();
        var pendingStep = (await _client.GetProcessAsync(processId)).StepOf(2)["processStepId"].Str();

        var data = await (await _client.RestartAsync(pendingStep)).PreconditionFailedAsync("processStepStatus");

        Assert.Equal("PENDING", data["actualStatus"].Str());
        Assert.Equal(0, _target.Calls("third"));
    }

    [Fact]
    public async Task Restart_without_a_key_returns_401_envelope_and_changes_nothing()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();

        var response = await _app.Anonymous().RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param(_target.Url("fixed")) });

        var body = await response.EnvelopeAsync(HttpStatusCode.Unauthorized, "Unauthorized request");
        Assert.Contains("API key", body["data"].Str());
        Assert.Equal("FAILED", (await _client.GetProcessAsync(processId))["status"].Str());
        Assert.Equal(0, _target.Calls("fixed"));
    }

    [Fact]
    public async Task Restart_with_a_reader_key_returns_401_envelope_and_changes_nothing()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();

        var response = await _app.Reader().RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param(_target.Url("fixed")) });

        var body = await response.EnvelopeAsync(HttpStatusCode.Unauthorized, "Unauthorized request");
        Assert.Contains("reader key", body["data"].Str());
        Assert.Equal("FAILED", (await _client.GetProcessAsync(processId))["status"].Str());
        Assert.Equal(0, _target.Calls("fixed"));
    }

    [Fact]
    public async Task Restart_without_params_reruns_the_step_with_the_params_it_had()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();
        _target.Respond("broken", 200, "back up");

        var data = (await (await _client.RestartAsync(stepId)).EnvelopeAsync(HttpStatusCode.OK))["data"]!;

        Assert.Equal(_target.Url("broken"), data["params"]!["url"]!["strValue"].Str());
        await _client.WaitForProcessStatusAsync(processId, "COMPLETED");
        Assert.Equal(2, _target.Calls("broken"));
        Assert.Equal(1, _target.Calls("first"));
    }
}
