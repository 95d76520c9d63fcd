using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Cognaize;

public sealed class RestartFailedStepTests : AppTest
{
    private async Task<(string ProcessId, string FailedStepId)> StartFailingAtTheSecondStepAsync()
    {
        Target.Respond("broken", 500, "database is down");
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("three calls",
            ProcessTestApi.Http("first", Target.Url("first")),
            ProcessTestApi.Http("second", Target.Url("broken")),
            ProcessTestApi.Http("third", Target.Url("third"))));
        var started = await Client.StartProcessAsync(workflowId);
        var processId = started["processId"].Str();
        var failed = await Client.WaitForProcessStatusAsync(processId, "FAILED");
        Assert.Equal(["COMPLETED", "FAILED", "PENDING"], failed.StepStatuses());
        return (processId, failed.StepOf(1)["processStepId"].Str());
    }

    [Fact]
    public async Task Restart_with_a_corrected_url_reruns_only_that_step_with_the_new_url_and_the_process_completes()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();

        var response = await Client.RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param(Target.Url("fixed")) });

        var data = (await response.EnvelopeAsync(HttpStatusCode.OK))["data"]!;
        Assert.Equal(processId, data["processId"].Str());
        Assert.Equal(stepId, data["processStepId"].Str());
        Assert.Equal(Target.Url("fixed"), data["params"]!["url"]!["strValue"].Str());
        Assert.Equal("STRING", data["params"]!["url"]!["type"].Str());
        Assert.Equal("POST", data["params"]!["method"]!["strValue"].Str());

        var process = await Client.WaitForProcessStatusAsync(processId, "COMPLETED");
        Assert.Equal(["COMPLETED", "COMPLETED", "COMPLETED"], process.StepStatuses());
        Assert.Equal(1, Target.Calls("first"));
        Assert.Equal(1, Target.Calls("broken"));
        Assert.Equal(1, Target.Calls("fixed"));
        Assert.Equal(1, Target.Calls("third"));
        Assert.Equal(100, process["progress"]!.GetValue<int>());

        var attempts = process.StepOf(1)["attempts"]!.AsArray();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("FAILED", attempts[0]!["status"].Str());
        Assert.Equal(Target.Url("broken"), attempts[0]!["params"]!["url"]!["strValue"].Str());
        Assert.Contains("answered 500", attempts[0]!["error"]!["message"].Str());
        Assert.Contains("database is down", attempts[0]!["error"]!["message"].Str());
        Assert.Equal("COMPLETED", attempts[1]!["status"].Str());
        Assert.Equal(Target.Url("fixed"), attempts[1]!["params"]!["url"]!["strValue"].Str());
        Assert.Single(process.StepOf(0)["attempts"]!.AsArray());
        Assert.Single(process.StepOf(2)["attempts"]!.AsArray());
    }

    [Fact]
    public async Task Of_20_simultaneous_restarts_of_one_failed_step_exactly_one_gets_200_and_the_step_runs_once_more()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();
        var fixedUrl = new JsonObject { ["url"] = TestApi.Param(Target.Url("fixed")) };

        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.WaitAsync();
            return await Client.RestartAsync(stepId, (JsonObject)fixedUrl.DeepClone());
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

        await Client.WaitForProcessStatusAsync(processId, "COMPLETED");
        Assert.Equal(1, Target.Calls("fixed"));
        Assert.Equal(1, Target.Calls("broken"));
        Assert.Equal(1, Target.Calls("third"));
    }

    [Fact]
    public async Task Restart_of_a_step_that_is_not_failed_returns_412_naming_its_status()
    {
        var (processId, _) = await StartFailingAtTheSecondStepAsync();
        var completedStep = (await Client.GetProcessAsync(processId)).StepOf(0)["processStepId"].Str();

        var response = await Client.RestartAsync(completedStep, new JsonObject { ["url"] = TestApi.Param(Target.Url("elsewhere")) });

        var data = await response.PreconditionFailedAsync("processStepStatus");
        Assert.Equal("COMPLETED", data["actualStatus"].Str());
        Assert.Contains("only a FAILED step can be restarted", data["reason"].Str());
        var process = await Client.GetProcessAsync(processId);
        Assert.Equal(Target.Url("first"), process.StepOf(0)["params"]!["url"]!["strValue"].Str());
        Assert.Equal(["COMPLETED", "FAILED", "PENDING"], process.StepStatuses());
    }

    [Fact]
    public async Task Restart_of_a_pending_step_returns_412_naming_PENDING()
    {
        var (processId, _) = await StartFailingAtTheSecondStepAsync();
        var pendingStep = (await Client.GetProcessAsync(processId)).StepOf(2)["processStepId"].Str();

        var data = await (await Client.RestartAsync(pendingStep)).PreconditionFailedAsync("processStepStatus");

        Assert.Equal("PENDING", data["actualStatus"].Str());
        Assert.Equal(0, Target.Calls("third"));
    }

    [Fact]
    public async Task Restart_without_a_key_returns_401_envelope_and_changes_nothing()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();

        var response = await App.Anonymous().RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param(Target.Url("fixed")) });

        var body = await response.EnvelopeAsync(HttpStatusCode.Unauthorized, "Unauthorized request");
        Assert.Contains("API key", body["data"].Str());
        Assert.Equal("FAILED", (await Client.GetProcessAsync(processId))["status"].Str());
        Assert.Equal(0, Target.Calls("fixed"));
    }

    [Fact]
    public async Task Restart_with_a_reader_key_returns_401_envelope_and_changes_nothing()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();

        var response = await App.Reader().RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param(Target.Url("fixed")) });

        var body = await response.EnvelopeAsync(HttpStatusCode.Unauthorized, "Unauthorized request");
        Assert.Contains("reader key", body["data"].Str());
        Assert.Equal("FAILED", (await Client.GetProcessAsync(processId))["status"].Str());
        Assert.Equal(0, Target.Calls("fixed"));
    }

    [Fact]
    public async Task Restart_without_params_reruns_the_step_with_the_params_it_had()
    {
        var (processId, stepId) = await StartFailingAtTheSecondStepAsync();
        Target.Respond("broken", 200, "back up");

        var data = (await (await Client.RestartAsync(stepId)).EnvelopeAsync(HttpStatusCode.OK))["data"]!;

        Assert.Equal(Target.Url("broken"), data["params"]!["url"]!["strValue"].Str());
        await Client.WaitForProcessStatusAsync(processId, "COMPLETED");
        Assert.Equal(2, Target.Calls("broken"));
        Assert.Equal(1, Target.Calls("first"));
    }
}
