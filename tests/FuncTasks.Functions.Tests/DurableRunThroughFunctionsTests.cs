using System.Text.Json.Nodes;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using FuncTasks.Durable;
using FuncTasks.Functions.Tests.Support;
using Microsoft.DurableTask.Client;

namespace FuncTasks.Functions.Tests;

/// <summary>
/// Tasks driven end to end through the Functions app: its HTTP functions on Azurite, its own orchestrator and activity
/// functions on the real Durable engine (in process), one orchestration per task (instance id = task id) checked with the
/// engine's <see cref="DurableTaskClient"/>.
/// </summary>
[Collection(FunctionsOnAzurite.Collection)]
public sealed class DurableRunThroughFunctionsTests(FunctionsOnAzurite hosts)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private IApiHost Functions => hosts.Functions;

    private DurableTaskClient Durable => hosts.Durable.Client;

    private TargetServer Target => hosts.Target;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private async Task<OrchestrationMetadata> WaitForOrchestrationAsync(string id, Func<OrchestrationMetadata, bool> done, string what) =>
        (await Eventually.Value(() => Durable.GetInstanceAsync(id, getInputsAndOutputs: true), instance => instance is not null && done(instance),
            $"orchestration {id} becomes {what}", Deadline, TimeSpan.FromMilliseconds(25),
            instance => $"{instance?.RuntimeStatus}.{Environment.NewLine}{hosts.Logs.Recent()}"))!;

    private async Task<OrchestrationMetadata> WaitForCompletionAsync(string id)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        return await Durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
    }

    private static IReadOnlyList<string> StepStatuses(JsonObject task) => task["subTasks"]!.AsArray().Select(s => (string)s!["status"]!).ToList();

    [Fact]
    public void The_Durable_worker_runs_every_orchestrator_and_activity_function_of_the_app()
    {
        Assert.Equal(
            [TaskRunOrchestrator.ExecuteStepActivity, TaskRunOrchestrator.FailRunActivity, TaskRunOrchestrator.Name],
            hosts.DurableFunctionNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failed_step_restarted_through_the_function_carries_on_in_the_same_orchestration_to_success()
    {
        var notify = Unique("notify");
        var finish = Unique("finish");
        var id = await Functions.CreateTaskAsync(ApiCalls.Task("deploy",
            ApiCalls.DelayStep("warm-up", 0.5), ApiCalls.HttpStep("notify", Target.Fail(notify)), ApiCalls.HttpStep("finish", Target.Ok(finish))));

        var failed = await Functions.WaitForStatusAsync(id, "FAILED");

        Assert.Equal(["SUCCESSFUL", "FAILED", "PENDING"], StepStatuses(failed));
        Assert.Equal((1, 0), (Target.CallsOf(notify), Target.CallsOf(finish)));
        // The orchestration of the task waits for a resume (the delay step ran on a durable timer first).
        var waiting = await WaitForOrchestrationAsync(id, o => o.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running");
        Assert.Equal(TaskRunOrchestrator.Name, waiting.Name);
        var input = waiting.ReadInputAs<TaskRun>()!;
        Assert.Equal((Guid.Parse(id), 1, TimeSpan.FromMinutes(5)), (input.TaskId, input.Generation, input.ResumeTimeout));

        var restarted = await Functions.SendOkAsync(new ApiRequest("POST", "/api/v1/processes/restart-failed-step", new JsonObject
        {
            ["processStepId"] = TaskIds.StepId(Guid.Parse(id), 1).ToString(),
            ["params"] = new JsonObject { ["url"] = ApiCalls.Param(Target.Ok(notify)) },
        }));
        Assert.Equal("RestartFailedStep", restarted.ServedBy);

        var done = await Functions.WaitForStatusAsync(id, "SUCCESSFUL");
        Assert.Equal(["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"], StepStatuses(done));
        Assert.Equal((2, 1), (Target.CallsOf(notify), Target.CallsOf(finish)));
        var completed = await WaitForCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        Assert.Equal(StepRunKind.TaskSucceeded, completed.ReadOutputAs<StepRunKind>());
        // Resumed by the restart's event, not replaced: the orchestration started for run 1 (the in-process engine keeps no
        // history to read back) is the one that ran the restarted step and the last one.
        Assert.Equal(waiting.CreatedAt, completed.CreatedAt);
        Assert.Equal(1, completed.ReadInputAs<TaskRun>()!.Generation);
    }

    [Fact]
    public async Task A_failed_task_retried_through_the_function_runs_its_failed_step_again_in_its_orchestration()
    {
        var notify = Unique("notify");
        var id = await Functions.CreateTaskAsync(ApiCalls.Task("notify", ApiCalls.HttpStep("notify", Target.Fail(notify))));
        await Functions.WaitForStatusAsync(id, "FAILED");
        var waiting = await WaitForOrchestrationAsync(id, o => o.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running");

        var retried = await Functions.SendOkAsync(new ApiRequest("PATCH", $"/v1/tasks/{id}"));

        Assert.Equal("RetryTask", retried.ServedBy);
        // The retry put the task back in progress before it answered; the step then fails again (its target still answers 503).
        var again = await Functions.WaitForTaskAsync(id, t => (string?)t["status"] == "FAILED" && Target.CallsOf(notify) == 2, "failed again");
        Assert.Equal(["FAILED"], StepStatuses(again));
        var process = (await Functions.GetAsync($"/api/v1/processes/{id}")).Object;
        Assert.Equal(2, process["data"]!["steps"]![0]!["attempts"]!.AsArray().Count);
        var instance = await WaitForOrchestrationAsync(id, o => o.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running");
        Assert.Equal(waiting.CreatedAt, instance.CreatedAt);
        // Resumed by the retry's event: the orchestration started for run 1 is the one that ran the step again.
        Assert.Equal(1, instance.ReadInputAs<TaskRun>()!.Generation);
    }

    [Fact]
    public async Task A_task_finished_by_completing_its_last_external_step_through_the_function_ends_its_orchestration()
    {
        var id = await Functions.CreateTaskAsync(ApiCalls.Task("approval", ApiCalls.ExternalStep("approve")));
        await Functions.WaitForStepStartedAsync(id, 0);
        var waiting = await WaitForOrchestrationAsync(id, o => o.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running");

        var completed = await Functions.SendOkAsync(new ApiRequest("POST", "/api/v1/processes/complete-step", new JsonObject
        {
            ["processStepId"] = TaskIds.StepId(Guid.Parse(id), 0).ToString(),
        }));

        Assert.Equal("CompleteProcessStep", completed.ServedBy);
        var task = await Functions.WaitForStatusAsync(id, "SUCCESSFUL");
        Assert.Equal(["SUCCESSFUL"], StepStatuses(task));
        // The orchestration that waited on the external step is released, not left waiting for its resume timeout.
        var ended = await WaitForCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        Assert.Equal(waiting.CreatedAt, ended.CreatedAt);
    }

    [Fact]
    public async Task A_task_cancelled_through_the_function_ends_its_waiting_orchestration()
    {
        var id = await Functions.CreateTaskAsync(ApiCalls.Task("approval", ApiCalls.ExternalStep("approve"), ApiCalls.HttpStep("after", Target.Ok(Unique("after")))));
        await Functions.WaitForStepStartedAsync(id, 0);
        await WaitForOrchestrationAsync(id, o => o.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running");

        var cancelled = await Functions.SendOkAsync(new ApiRequest("DELETE", $"/v1/tasks/{id}"));

        Assert.Equal("CancelTask", cancelled.ServedBy);
        var task = await Functions.WaitForStatusAsync(id, "CANCELLED");
        Assert.Equal(["CANCELLED", "CANCELLED"], StepStatuses(task));
        var ended = await WaitForCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, ended.RuntimeStatus);
    }
}
