using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Cognaize;

public sealed class WorkflowTests : AppTest
{
    /// <summary>fetch: url with a default; notify: url is an input; both declare method; pause: seconds with a default.</summary>
    private JsonObject Definition() => ProcessTestApi.Workflow("fetch and notify",
        ProcessTestApi.Step("fetch", "http", new JsonObject
        {
            ["url"] = TestApi.Param(Target.Url("fetch-default")),
            ["method"] = TestApi.Param("POST"),
        }),
        ProcessTestApi.Step("notify", "http", new JsonObject
        {
            ["url"] = ProcessTestApi.Input("STRING"),
            ["method"] = TestApi.Param("POST"),
        }),
        ProcessTestApi.Step("pause", "delay", new JsonObject { ["seconds"] = TestApi.Param(30L) }));

    [Fact]
    public async Task A_workflow_is_stored_and_read_back_with_its_inputs()
    {
        var workflowId = await Client.CreateWorkflowAsync(Definition());

        var response = await App.Reader().GetAsync($"/api/v1/workflows/{workflowId}");

        Assert.NotNull(response.Headers.ETag);
        var workflow = (await response.EnvelopeAsync(HttpStatusCode.OK))["data"]!;
        Assert.Equal(workflowId, workflow["workflowId"].Str());
        Assert.Equal("fetch and notify", workflow["name"].Str());
        Assert.Equal("TEST_PROCESS", workflow["type"].Str());
        Assert.Equal(["fetch", "notify", "pause"], workflow["steps"]!.AsArray().Select(s => s!["name"].Str()));
        Assert.Equal(Target.Url("fetch-default"), workflow["steps"]![0]!["params"]!["url"]!["strValue"].Str());
        var input = workflow["steps"]![1]!["params"]!["url"]!.AsObject();
        Assert.Equal("STRING", input["type"].Str());
        Assert.False(input.ContainsKey("strValue"));
        Assert.Equal(30, workflow["steps"]![2]!["params"]!["seconds"]!["longValue"]!.GetValue<long>());
    }

    [Fact]
    public async Task Start_params_fill_inputs_and_override_defaults_and_the_overridden_values_are_the_ones_used()
    {
        var workflowId = await Client.CreateWorkflowAsync(Definition());

        var started = await Client.StartProcessAsync(workflowId, new JsonObject
        {
            ["fetch.url"] = TestApi.Param(Target.Url("fetch-override")),
            ["notify.url"] = TestApi.Param(Target.Url("notify")),
            ["method"] = TestApi.Param("PUT"),
            ["seconds"] = TestApi.Param(0L),
        });

        Assert.Equal(workflowId, started["workflowId"].Str());
        Assert.Equal(Target.Url("fetch-override"), started["params"]!["url"]!["strValue"].Str());
        var process = await Client.WaitForProcessStatusAsync(started["processId"].Str(), "COMPLETED");
        Assert.Equal(0, Target.Calls("fetch-default"));
        Assert.Equal(1, Target.Calls("fetch-override"));
        Assert.Equal(1, Target.Calls("notify"));
        Assert.Equal(workflowId, process["workflowId"].Str());
        Assert.Equal(started["processStepId"].Str(), process.StepOf(0)["processStepId"].Str());
        Assert.Equal("PUT", process.StepOf(0)["params"]!["method"]!["strValue"].Str());
        Assert.Equal("PUT", process.StepOf(1)["params"]!["method"]!["strValue"].Str());
        Assert.Equal(0, process.StepOf(2)["params"]!["seconds"]!["longValue"]!.GetValue<long>());
        Assert.Equal(Target.Url("fetch-override"), process.StepOf(0)["attempts"]![0]!["params"]!["url"]!["strValue"].Str());
    }

    [Fact]
    public async Task A_step_qualified_start_param_wins_over_a_plain_one_and_can_add_a_parameter()
    {
        var workflowId = await Client.CreateWorkflowAsync(Definition());

        var started = await Client.StartProcessAsync(workflowId, new JsonObject
        {
            ["url"] = TestApi.Param(Target.Url("everyone")),
            ["notify.url"] = TestApi.Param(Target.Url("only-notify")),
            ["notify.timeoutSeconds"] = TestApi.Param(5L),
            ["seconds"] = TestApi.Param(0L),
        });

        var process = await Client.WaitForProcessStatusAsync(started["processId"].Str(), "COMPLETED");
        Assert.Equal(1, Target.Calls("everyone"));
        Assert.Equal(1, Target.Calls("only-notify"));
        Assert.Equal(5, process.StepOf(1)["params"]!["timeoutSeconds"]!["longValue"]!.GetValue<long>());
        Assert.False(process.StepOf(0)["params"]!.AsObject().ContainsKey("timeoutSeconds"));
    }

    [Fact]
    public async Task A_process_is_a_task_its_id_works_on_v1_tasks_and_on_tasks()
    {
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("one call", ProcessTestApi.Http("call", Target.Url("call"))));
        var processId = (await Client.StartProcessAsync(workflowId))["processId"].Str();

        var task = await Client.WaitForStatusAsync(processId, "SUCCESSFUL");

        Assert.Equal("one call", task["name"].Str());
        Assert.Equal("TEST_PROCESS", task["type"].Str());
        Assert.Equal("SUCCESS", (await Client.GetJsonAsync($"/tasks/{processId}"))["status"].Str());
    }

    public static TheoryData<string, string, string> BadStarts() => new()
    {
        { "no workflowId", """{"params": {}}""", "workflowId" },
        { "a workflowId that is not a GUID", """{"workflowId": "fetch-and-notify"}""", "workflowId" },
        { "an unknown workflowId", """{"workflowId": "0b6f1c3e-5a2d-4e7f-8c91-2d3e4f5a6b7c"}""", "workflowId" },
        { "an input left out", """{"workflowId": "{workflowId}", "params": {}}""", "params" },
        { "a parameter no step declares", """{"workflowId": "{workflowId}", "params": {"notify.url": {"strValue": "http://127.0.0.1/n", "type": "STRING"}, "colour": {"strValue": "red", "type": "STRING"}}}""", "params" },
        { "a step that does not exist", """{"workflowId": "{workflowId}", "params": {"notify.url": {"strValue": "http://127.0.0.1/n", "type": "STRING"}, "ghost.url": {"strValue": "http://127.0.0.1/g", "type": "STRING"}}}""", "params" },
        { "a type other than the declared one", """{"workflowId": "{workflowId}", "params": {"notify.url": {"strValue": "http://127.0.0.1/n", "type": "STRING"}, "seconds": {"strValue": "soon", "type": "STRING"}}}""", "params" },
        { "a value the action refuses", """{"workflowId": "{workflowId}", "params": {"notify.url": {"strValue": "ftp://127.0.0.1/n", "type": "STRING"}}}""", "params" },
        { "a value that does not match its type", """{"workflowId": "{workflowId}", "params": {"notify.url": {"longValue": 1, "type": "STRING"}}}""", "params" },
        { "malformed JSON", """{"workflowId": """, "body" },
    };

    [Theory]
    [MemberData(nameof(BadStarts))]
    public async Task A_bad_start_request_returns_412_naming_the_precondition_and_starts_nothing(string why, string body, string precondition)
    {
        var workflowId = await Client.CreateWorkflowAsync(Definition());

        var response = await Client.PostJsonAsync("/api/v1/processes/start", body.Replace("{workflowId}", workflowId));

        Assert.True(response.StatusCode == HttpStatusCode.PreconditionFailed, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await response.PreconditionFailedAsync(precondition);
        Assert.Equal(0, await App.CountTaskRowsAsync());
    }

    [Fact]
    public async Task A_missing_input_is_named_with_its_step_in_the_412()
    {
        var workflowId = await Client.CreateWorkflowAsync(Definition());

        var response = await Client.PostJsonAsync("/api/v1/processes/start", $$"""{"workflowId": "{{workflowId}}"}""");

        var data = await response.PreconditionFailedAsync("params");
        Assert.Equal("Step 'notify' needs parameter 'url' (STRING); give it in 'params' as 'url' or 'notify.url'.", data["reason"].Str());
    }

    public static TheoryData<string, string, string> BadDefinitions() => new()
    {
        { "no name", """{"steps": [{"name": "a", "action": "external"}]}""", "name" },
        { "no steps", """{"name": "w"}""", "steps" },
        { "empty steps", """{"name": "w", "steps": []}""", "steps" },
        { "steps not an array", """{"name": "w", "steps": {"a": 1}}""", "steps" },
        { "an unknown action", """{"name": "w", "steps": [{"name": "a", "action": "teleport"}]}""", "steps" },
        { "an unknown action on a step with inputs", """{"name": "w", "steps": [{"name": "a", "action": "teleport", "params": {"x": {"type": "STRING"}}}]}""", "steps" },
        { "two steps with one name", """{"name": "w", "steps": [{"name": "a", "action": "external"}, {"name": "a", "action": "external"}]}""", "steps" },
        { "an http step without url or url input", """{"name": "w", "steps": [{"name": "a", "action": "http"}]}""", "steps" },
        { "an input with an unknown type", """{"name": "w", "steps": [{"name": "a", "action": "http", "params": {"url": {"type": "URL"}}}]}""", "steps" },
        { "a value that does not match its type", """{"name": "w", "steps": [{"name": "a", "action": "http", "params": {"url": {"type": "STRING"}, "method": {"longValue": 1, "type": "STRING"}}}]}""", "steps" },
        { "malformed JSON", """{"name": """, "body" },
    };

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public async Task A_bad_workflow_definition_returns_412_naming_the_precondition(string why, string body, string precondition)
    {
        var response = await Client.PostJsonAsync("/api/v1/workflows", body);

        Assert.True(response.StatusCode == HttpStatusCode.PreconditionFailed, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await response.PreconditionFailedAsync(precondition);
    }

    [Fact]
    public async Task Reading_an_unknown_workflow_returns_412_naming_workflowId()
    {
        await (await Client.GetAsync($"/api/v1/workflows/{Guid.NewGuid()}")).PreconditionFailedAsync("workflowId");
        await (await Client.GetAsync("/api/v1/workflows/not-a-guid")).PreconditionFailedAsync("workflowId");
    }

    [Fact]
    public async Task Start_params_that_would_overflow_a_step_row_return_412()
    {
        var workflowId = await Client.CreateWorkflowAsync(Definition());
        var parameters = new JsonObject { ["notify.url"] = TestApi.Param(Target.Url("n")) };
        for (var i = 0; i < 3; i++)
        {
            parameters[$"notify.filler{i}"] = TestApi.Param(new string('x', 15_000));
        }

        var response = await Client.PostAsJsonAsync("/api/v1/processes/start", new JsonObject { ["workflowId"] = workflowId, ["params"] = parameters });

        var data = await response.PreconditionFailedAsync("params");
        Assert.Contains("at most 30000", data["reason"].Str());
        Assert.Equal(0, await App.CountTaskRowsAsync());
    }
}
