using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.Core.Model;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Cognaize;

/// <summary>One process failed at its second step, shared by tests that must leave it exactly as it is.</summary>
public sealed class FailedProcessFixture : IAsyncLifetime
{
    public FuncTasksApp App { get; } = new();

    public TargetServer Target { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string ProcessId { get; private set; } = string.Empty;

    public string FailedStepId { get; private set; } = string.Empty;

    public string CompletedStepId { get; private set; } = string.Empty;

    public string WorkflowId { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Target = await TargetServer.StartAsync();
        Target.Respond("broken", 500, "database is down");
        Client = App.Operator();
        WorkflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("fails at second",
            ProcessTestApi.Http("first", Target.Url("first")),
            ProcessTestApi.Http("second", Target.Url("broken")),
            ProcessTestApi.Http("third", Target.Url("third"))));
        ProcessId = (await Client.StartProcessAsync(WorkflowId))["processId"].Str();
        var failed = await Client.WaitForProcessStatusAsync(ProcessId, "FAILED");
        CompletedStepId = failed.StepOf(0)["processStepId"].Str();
        FailedStepId = failed.StepOf(1)["processStepId"].Str();
    }

    public async Task DisposeAsync()
    {
        await Target.DisposeAsync();
        await App.DisposeAsync();
    }

    /// <summary>Nothing changed: still failed at the second step with its original parameters, nothing called again.</summary>
    public async Task AssertUnchangedAsync()
    {
        var process = await Client.GetProcessAsync(ProcessId);
        Assert.Equal("FAILED", process["status"].Str());
        Assert.Equal(["COMPLETED", "FAILED", "PENDING"], process.StepStatuses());
        Assert.Equal(Target.Url("broken"), process.StepOf(1)["params"]!["url"]!["strValue"].Str());
        Assert.Equal(2, process.StepOf(1)["params"]!.AsObject().Count);
        Assert.Single(process.StepOf(1)["attempts"]!.AsArray());
        Assert.Equal(1, Target.Calls("broken"));
        Assert.Equal(0, Target.Calls("third"));
    }
}

public sealed class ProcessPreconditionTests(FailedProcessFixture fixture) : IClassFixture<FailedProcessFixture>
{
    public static TheoryData<string, string, string> BadRestarts() => new()
    {
        { "malformed JSON", """{"processStepId": """, "body" },
        { "a body that is not an object", """[1, 2]""", "body" },
        { "an empty body", "", "body" },
        { "no processStepId", """{"params": {}}""", "processStepId" },
        { "a processStepId that is not a GUID", """{"processStepId": "step-two"}""", "processStepId" },
        { "a processStepId that is a number", """{"processStepId": 42}""", "processStepId" },
        { "an unknown processStepId", """{"processStepId": "5f0c2a4e-1d7b-4c8e-9a51-3c2d7e8f9a10"}""", "processStepId" },
        { "a process id instead of a step id", """{"processStepId": "{processId}"}""", "processStepId" },
        { "a step number the process does not have", """{"processStepId": "{step9}"}""", "processStepId" },
        { "a value that does not match its type", """{"processStepId": "{stepId}", "params": {"url": {"longValue": 5, "type": "STRING"}}}""", "params" },
        { "a type that does not exist", """{"processStepId": "{stepId}", "params": {"url": {"strValue": "http://127.0.0.1/x", "type": "URL"}}}""", "params" },
        { "two values for one type", """{"processStepId": "{stepId}", "params": {"url": {"strValue": "http://127.0.0.1/x", "longValue": 1, "type": "STRING"}}}""", "params" },
        { "params that are not an object", """{"processStepId": "{stepId}", "params": [1]}""", "params" },
        { "a url the http action refuses", """{"processStepId": "{stepId}", "params": {"url": {"strValue": "not a url", "type": "STRING"}}}""", "params" },
        { "a url of the wrong type for the http action", """{"processStepId": "{stepId}", "params": {"url": {"longValue": 5, "type": "LONG"}}}""", "params" },
    };

    [Theory]
    [MemberData(nameof(BadRestarts))]
    public async Task A_bad_restart_request_returns_412_naming_the_precondition_and_changes_nothing(string why, string body, string precondition)
    {
        var processId = Guid.Parse(fixture.ProcessId);
        var json = body.Replace("{processId}", fixture.ProcessId).Replace("{stepId}", fixture.FailedStepId)
            .Replace("{step9}", TaskIds.StepId(processId, 8).ToString());

        var response = await fixture.Client.PostJsonAsync("/api/v1/processes/restart-failed-step", json);

        Assert.True(response.StatusCode == HttpStatusCode.PreconditionFailed, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await response.PreconditionFailedAsync(precondition);
        await fixture.AssertUnchangedAsync();
    }

    [Fact]
    public async Task A_mismatched_value_is_explained_in_the_412_data()
    {
        var response = await fixture.Client.RestartAsync(fixture.FailedStepId, new JsonObject { ["url"] = new JsonObject { ["longValue"] = 5, ["type"] = "STRING" } });

        var data = await response.PreconditionFailedAsync("params");

        Assert.Equal("Parameter 'url' has type STRING but no strValue.", data["reason"].Str());
        Assert.Equal("params.url", data["field"].Str());
        await fixture.AssertUnchangedAsync();
    }

    [Fact]
    public async Task Complete_step_of_a_failed_http_step_returns_412_naming_its_status()
    {
        var data = await (await fixture.Client.CompleteStepAsync(fixture.FailedStepId)).PreconditionFailedAsync("processStepStatus");

        Assert.Equal("FAILED", data["actualStatus"].Str());
        Assert.Contains("only a STARTED external step can be completed", data["reason"].Str());
        await fixture.AssertUnchangedAsync();
    }

    [Fact]
    public async Task Complete_step_of_an_unknown_step_returns_412_naming_processStepId()
    {
        var data = await (await fixture.Client.CompleteStepAsync(Guid.NewGuid().ToString())).PreconditionFailedAsync("processStepId");

        Assert.Contains("No process step", data["reason"].Str());
        await fixture.AssertUnchangedAsync();
    }

    [Fact]
    public async Task Reading_an_unknown_process_returns_412_naming_processId()
    {
        await (await fixture.Client.GetAsync($"/api/v1/processes/{Guid.NewGuid()}")).PreconditionFailedAsync("processId");
        await (await fixture.Client.GetAsync("/api/v1/processes/not-a-guid")).PreconditionFailedAsync("processId");
    }

    [Fact]
    public async Task A_reader_key_reads_processes_and_workflows_but_every_mutation_answers_401()
    {
        var reader = fixture.App.Reader();

        Assert.Equal("FAILED", (await reader.GetProcessAsync(fixture.ProcessId))["status"].Str());
        await (await reader.GetAsync($"/api/v1/workflows/{fixture.WorkflowId}")).EnvelopeAsync(HttpStatusCode.OK);
        var refused = new[]
        {
            await reader.RestartAsync(fixture.FailedStepId),
            await reader.CompleteStepAsync(fixture.FailedStepId),
            await reader.PostJsonAsync("/api/v1/processes/start", $$"""{"workflowId": "{{fixture.WorkflowId}}"}"""),
            await reader.PostJsonAsync("/api/v1/workflows", ProcessTestApi.Workflow("w", ProcessTestApi.External("x")).ToJsonString()),
        };
        foreach (var response in refused)
        {
            await response.EnvelopeAsync(HttpStatusCode.Unauthorized, "Unauthorized request");
        }

        await fixture.AssertUnchangedAsync();
    }

    [Fact]
    public async Task No_key_returns_401_envelope_on_every_process_endpoint()
    {
        var anonymous = fixture.App.Anonymous();
        var responses = new[]
        {
            await anonymous.RestartAsync(fixture.FailedStepId),
            await anonymous.CompleteStepAsync(fixture.FailedStepId),
            await anonymous.PostJsonAsync("/api/v1/processes/start", $$"""{"workflowId": "{{fixture.WorkflowId}}"}"""),
            await anonymous.GetAsync($"/api/v1/processes/{fixture.ProcessId}"),
            await anonymous.PostJsonAsync("/api/v1/workflows", "{}"),
            await anonymous.GetAsync($"/api/v1/workflows/{fixture.WorkflowId}"),
        };

        foreach (var response in responses)
        {
            await response.EnvelopeAsync(HttpStatusCode.Unauthorized, "Unauthorized request");
        }

        await fixture.AssertUnchangedAsync();
    }
}
