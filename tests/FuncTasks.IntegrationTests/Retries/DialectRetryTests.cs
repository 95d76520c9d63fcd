using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Flatfile;
using FuncTasks.IntegrationTests.Cognaize;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Retries;

/// <summary>The same retry policy in a Flatfile job plan and a Cognaize workflow (and its start); invalid ones refused, nothing stored.</summary>
public sealed class DialectRetryTests : AppTest
{
    [Fact]
    public async Task A_policy_in_a_Flatfile_plan_retries_the_step_and_the_plan_shows_it()
    {
        Target.FailFirst("job-call", 2);
        var job = await Client.CreateJobAsync(JobsTestApi.PlannedJob("retrying",
            TestApi.HttpStep("call", Target.Url("job-call")).WithRetry(RetryTestApi.Policy(3, intervalSeconds: 0.5))));
        var id = job["id"].Str();

        var waiting = await Client.WaitForPlanAsync(id, steps => steps[0]!["nextAttemptAt"] is not null);
        Assert.Equal("started", waiting.StatusOf(0));
        Assert.Equal("executing", (await Client.GetJobAsync(id))["status"].Str());

        await Client.WaitForJobStatusAsync(id, "complete", TimeSpan.FromSeconds(60));
        Assert.Equal(3, Target.Calls("job-call"));
        var plan = (await Client.GetPlanAsync(id))["plan"]!["steps"]![0]!;
        Assert.Equal(3, plan["retry"]!["maxAttempts"]!.GetValue<int>());
        Assert.Equal(3, plan["attempts"]!.GetValue<int>());
        Assert.Null(plan["nextAttemptAt"]);
    }

    [Fact]
    public async Task An_invalid_policy_in_a_Flatfile_plan_is_refused_with_400_naming_it_and_nothing_is_stored()
    {
        var before = await App.CountTaskRowsAsync();
        var response = await Client.PostAsJsonAsync("/v1/jobs", JobsTestApi.PlannedJob("bad",
            TestApi.HttpStep("call", Target.Url("never")).WithRetry(RetryTestApi.Policy(3, backoffRate: 0.5))));

        var message = await response.ErrorAsync(HttpStatusCode.BadRequest, "steps[0].retry.backoffRate");
        Assert.Contains("backoffRate", message);
        Assert.Equal(before, await App.CountTaskRowsAsync());
        Assert.Equal(0, Target.Calls("never"));
    }

    [Fact]
    public async Task A_policy_in_a_Cognaize_workflow_retries_the_step_and_start_can_give_the_process_a_default()
    {
        Target.FailFirst("wf-call", 2);
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("retrying",
            ProcessTestApi.Http("call", Target.Url("wf-call")).WithRetry(RetryTestApi.Policy(3, intervalSeconds: 0.5)),
            ProcessTestApi.Http("after", Target.Url("wf-after"))));
        var workflow = (await Client.GetJsonAsync($"/api/v1/workflows/{workflowId}"))["data"]!;
        Assert.Equal(3, workflow["steps"]![0]!["retry"]!["maxAttempts"]!.GetValue<int>());

        var started = await Client.StartProcessAsync(workflowId);
        var process = await Client.WaitForProcessStatusAsync(started["processId"].Str(), "COMPLETED");
        Assert.Equal(3, Target.Calls("wf-call"));
        Assert.Equal(["FAILED", "FAILED", "COMPLETED"], process.StepOf(0)["attempts"]!.AsArray().Select(a => a!["status"].Str()));

        // A start-level policy is the process's default for steps without their own.
        Target.FailFirst("wf-after", 1);
        var response = await Client.PostAsJsonAsync("/api/v1/processes/start",
            new JsonObject { ["workflowId"] = workflowId, ["params"] = new JsonObject(), ["retry"] = RetryTestApi.Policy(2, intervalSeconds: 0.2) });
        var second = (await response.EnvelopeAsync(HttpStatusCode.OK, "Process started"))["data"]!;
        await Client.WaitForProcessStatusAsync(second["processId"].Str(), "COMPLETED");
        Assert.Equal(2, Target.Calls("wf-after"));
    }

    [Fact]
    public async Task An_invalid_policy_in_a_Cognaize_workflow_or_start_is_refused_with_412_naming_it_and_nothing_is_stored()
    {
        var workflows = App.Services.GetRequiredService<TableServiceClient>().GetTableClient(App.Prefix + "Workflows");
        var response = await Client.PostAsJsonAsync("/api/v1/workflows", ProcessTestApi.Workflow("bad",
            ProcessTestApi.Http("call", Target.Url("never")).WithRetry(RetryTestApi.Policy(0))));
        var data = await response.PreconditionFailedAsync("steps");
        Assert.Equal("steps[0].retry.maxAttempts", data["field"].Str());
        Assert.Equal(0, await CountAsync(workflows));

        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("good", ProcessTestApi.Http("call", Target.Url("never"))));
        var before = await App.CountTaskRowsAsync();
        var start = await Client.PostAsJsonAsync("/api/v1/processes/start",
            new JsonObject { ["workflowId"] = workflowId, ["retry"] = new JsonObject { ["maxAttempts"] = 3, ["intervalSeconds"] = -1 } });
        Assert.Equal("retry.intervalSeconds", (await start.PreconditionFailedAsync("retry"))["field"].Str());
        Assert.Equal(before, await App.CountTaskRowsAsync());
        Assert.Equal(0, Target.Calls("never"));
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        var count = 0;
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"]))
            {
                count++;
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return count;
    }
}
