using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Cognaize;

public sealed class CompleteStepTests : AppTest
{
    [Fact]
    public async Task Complete_step_finishes_a_started_external_step_with_its_params_and_the_process_continues()
    {
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("approve then call",
            ProcessTestApi.Step("approve", "external", new JsonObject { ["ticket"] = TestApi.Param("CHG-1") }),
            ProcessTestApi.Http("call", Target.Url("after"))));
        var processId = (await Client.StartProcessAsync(workflowId))["processId"].Str();
        var waiting = await Client.WaitForStepStatusAsync(processId, 0, "STARTED");
        Assert.Equal("PENDING", waiting.StepOf(1)["status"].Str());
        Assert.Equal(0, Target.Calls("after"));
        var stepId = waiting.StepOf(0)["processStepId"].Str();

        var response = await Client.CompleteStepAsync(stepId, new JsonObject { ["approvedBy"] = TestApi.Param("ops") });

        var data = (await response.EnvelopeAsync(HttpStatusCode.OK, "Process step completed"))["data"]!;
        Assert.Equal(processId, data["processId"].Str());
        Assert.Equal(stepId, data["processStepId"].Str());
        Assert.Equal("ops", data["params"]!["approvedBy"]!["strValue"].Str());
        Assert.Equal("CHG-1", data["params"]!["ticket"]!["strValue"].Str());
        var process = await Client.WaitForProcessStatusAsync(processId, "COMPLETED");
        Assert.Equal(["COMPLETED", "COMPLETED"], process.StepStatuses());
        Assert.Equal(1, Target.Calls("after"));
        Assert.Equal("COMPLETED", process.StepOf(0)["attempts"]![0]!["status"].Str());
    }

    [Fact]
    public async Task Complete_step_of_a_pending_external_step_returns_412_naming_PENDING()
    {
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("two approvals",
            ProcessTestApi.External("first"), ProcessTestApi.External("second")));
        var processId = (await Client.StartProcessAsync(workflowId))["processId"].Str();
        var waiting = await Client.WaitForStepStatusAsync(processId, 0, "STARTED");

        var data = await (await Client.CompleteStepAsync(waiting.StepOf(1)["processStepId"].Str())).PreconditionFailedAsync("processStepStatus");

        Assert.Equal("PENDING", data["actualStatus"].Str());
        Assert.Equal(["STARTED", "PENDING"], (await Client.GetProcessAsync(processId)).StepStatuses());
        await Client.DeleteAsync($"/v1/tasks/{processId}");
    }

    [Fact]
    public async Task Complete_step_twice_returns_412_naming_COMPLETED_the_second_time()
    {
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("one approval", ProcessTestApi.External("approve")));
        var processId = (await Client.StartProcessAsync(workflowId))["processId"].Str();
        var stepId = (await Client.WaitForStepStatusAsync(processId, 0, "STARTED")).StepOf(0)["processStepId"].Str();

        await (await Client.CompleteStepAsync(stepId)).EnvelopeAsync(HttpStatusCode.OK);
        var data = await (await Client.CompleteStepAsync(stepId)).PreconditionFailedAsync("processStepStatus");

        Assert.Equal("COMPLETED", data["actualStatus"].Str());
        Assert.Equal("COMPLETED", (await Client.GetProcessAsync(processId))["status"].Str());
    }

    [Fact]
    public async Task A_cancelled_process_shows_CANCELLED_and_its_waiting_step_can_no_longer_be_completed()
    {
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("to cancel", ProcessTestApi.External("approve")));
        var processId = (await Client.StartProcessAsync(workflowId))["processId"].Str();
        var stepId = (await Client.WaitForStepStatusAsync(processId, 0, "STARTED")).StepOf(0)["processStepId"].Str();
        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteAsync($"/v1/tasks/{processId}")).StatusCode);

        var data = await (await Client.CompleteStepAsync(stepId)).PreconditionFailedAsync("processStepStatus");

        Assert.Equal("CANCELLED", data["actualStatus"].Str());
        var process = await Client.GetProcessAsync(processId);
        Assert.Equal("CANCELLED", process["status"].Str());
        Assert.Equal(["CANCELLED"], process.StepStatuses());
    }
}

public sealed class ProcessInternalErrorTests
{
    [Fact]
    public async Task A_storage_failure_returns_500_envelope_whose_reference_is_in_the_log()
    {
        var logs = new CapturedLogs();
        await using var app = new FuncTasksApp(services: s => s.AddSingleton<ILoggerProvider>(logs));
        var client = app.Operator();
        await client.GetAsync("/v1/tasks");
        await app.TasksTable.DeleteAsync();

        var response = await client.RestartAsync(Guid.NewGuid().ToString());

        var body = await response.EnvelopeAsync(HttpStatusCode.InternalServerError, "Internal Server Error");
        var reference = body["data"].Str();
        Assert.True(Guid.TryParse(reference, out _), $"data is not a reference: {reference}");
        Assert.DoesNotContain("TableNotFound", body.ToJsonString());
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(reference) && e.Exception is not null);
    }
}
