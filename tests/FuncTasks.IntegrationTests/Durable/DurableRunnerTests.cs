using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using FuncTasks.Core;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Cognaize;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Durable;

/// <summary>
/// The Durable runner end to end in the LocalHost: one orchestration per task (instance id = task id), resumed in place by
/// restart-failed-step, retry and external completion, terminated by cancel, waiting on durable timers, ending after its
/// resume timeout and started again later, and a run that could not reach an outcome marked failed and retryable.
/// Every scenario runs on both engine backends (the subclasses); each test has a LocalHost and a task hub of its own.
/// </summary>
public abstract class DurableRunnerTests
{
    protected abstract string Backend { get; }

    /// <summary>The orchestration's history: on Azure Storage as stored in its History table, in memory as the worker received it.</summary>
    protected abstract Task<IReadOnlyList<HistoryEntry>> HistoryAsync(DurableHost host, string instanceId);

    protected DurableHost NewHost(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(Backend, settings, services);

    protected static JsonObject Count(string name, string? fail = null) => new()
    {
        ["name"] = name,
        ["action"] = CountingStepAction.ActionName,
        ["params"] = fail is null ? new JsonObject() : new JsonObject { ["fail"] = TestApi.Param(fail) },
    };

    private static JsonObject Step(string name, string action) => new() { ["name"] = name, ["action"] = action, ["params"] = new JsonObject() };

    protected static async Task<string> CreateAsync(DurableHost host, string name, params JsonObject[] steps) =>
        (await host.Client.CreateTaskAsync(TestApi.Task(name, steps)))["id"].Str();

    protected static string StepId(JsonObject task, int index) => task["subTasks"]![index]!["id"].Str();

    protected static string[] StepStatuses(JsonObject task) => [.. task["subTasks"]!.AsArray().Select(s => s!["status"].Str())];

    private Task<IReadOnlyList<HistoryEntry>> WaitForHistoryAsync(DurableHost host, string id, Func<IReadOnlyList<HistoryEntry>, bool> done) =>
        Eventually.Value(() => HistoryAsync(host, id), done, $"the history of {id} reaches the expected state", DurableHost.Deadline,
            describe: history => string.Join(", ", history));

    protected static int CountOf(IEnumerable<HistoryEntry> history, string type, string? name = null) =>
        history.Count(e => e.Type == type && (name is null || e.Name == name));

    protected static string Show(IEnumerable<HistoryEntry> history) => string.Join(", ", history);

    /// <summary>Orchestrations started for the instance, as the worker saw them (the stored history keeps only the current one).</summary>
    private static int ExecutionsStarted(DurableHost host, string id) => CountOf(host.Recorder.History(id), "ExecutionStarted");

    /// <summary>The events after the first one that matches.</summary>
    private static List<HistoryEntry> After(IReadOnlyList<HistoryEntry> history, Func<HistoryEntry, bool> first)
    {
        var index = history.ToList().FindIndex(e => first(e));
        Assert.True(index >= 0, $"Not in the history: {Show(history)}");
        return [.. history.Skip(index + 1)];
    }

    // 1
    [Fact]
    public async Task Three_steps_succeed_and_the_tasks_orchestration_instance_is_completed()
    {
        await using var target = await TargetServer.StartAsync();
        await using var host = NewHost();
        var id = await CreateAsync(host, "three steps",
            TestApi.HttpStep("one", target.Url("one")), Count("two"), TestApi.HttpStep("three", target.Url("three")));

        var done = await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);

        Assert.Equal(["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"], StepStatuses(done));
        var instance = await host.WaitForInstanceAsync(id, i => i.IsCompleted);
        Assert.Equal(Guid.Parse(id).ToString("D"), instance.InstanceId);
        Assert.Equal("RunTask", instance.Name);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(1, target.Calls("one"));
        Assert.Equal(1, host.Count.Runs("two"));
        Assert.Equal(1, target.Calls("three"));
        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.Equal(1, CountOf(history, "ExecutionStarted", "RunTask"));
        Assert.Equal(1, ExecutionsStarted(host, id));
        // The three steps ran chained in one activity.
        Assert.True(CountOf(history, "TaskScheduled", "ExecuteStep") == 1, Show(history));
        Assert.Equal(0, CountOf(history, "EventRaised"));
        Assert.Equal(0, CountOf(history, "TimerCreated"));
    }

    // 2
    [Fact]
    public async Task Restart_failed_step_with_new_params_resumes_the_same_orchestration_and_earlier_steps_do_not_run_again()
    {
        await using var host = NewHost();
        var id = await CreateAsync(host, "restart", Count("first"), Count("second", fail: "yes"), Count("third"));
        var failed = await host.Client.WaitForStatusAsync(id, "FAILED", DurableHost.Deadline);
        Assert.Equal(["SUCCESSFUL", "FAILED", "PENDING"], StepStatuses(failed));
        var waiting = await host.WaitForInstanceAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        // The first step and the failing one ran in one activity.
        var before = await WaitForHistoryAsync(host, id, h => CountOf(h, "TaskScheduled", "ExecuteStep") == 1 && CountOf(h, "TaskCompleted") == 1);
        Assert.Equal(0, CountOf(before, "EventRaised"));

        var response = await host.Client.RestartAsync(StepId(failed, 1), new JsonObject { ["fail"] = TestApi.Param("no") });

        var data = (await response.EnvelopeAsync(HttpStatusCode.OK))["data"]!;
        Assert.Equal("no", data["params"]!["fail"]!["strValue"].Str());
        var done = await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);
        Assert.Equal(["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"], StepStatuses(done));
        var instance = await host.WaitForInstanceAsync(id, i => i.IsCompleted);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(waiting.CreatedAt, instance.CreatedAt);

        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(history, "ExecutionStarted") == 1, $"One orchestration only: {Show(history)}");
        Assert.Equal(1, ExecutionsStarted(host, id));
        Assert.Single(history.Select(e => e.ExecutionId).Distinct());
        Assert.True(CountOf(history, "EventRaised", "resume") == 1, Show(history));
        // Its payload is the task's new run generation.
        var row = (await host.App.TasksTable.GetEntityAsync<TableEntity>(id, "task")).Value;
        Assert.Equal(row.GetInt32("Generation")!.Value.ToString(CultureInfo.InvariantCulture), history.Single(e => e.Type == "EventRaised").Input);
        var resumed = After(history, e => e.Type == "EventRaised" && e.Name == "resume");
        Assert.True(CountOf(resumed, "TaskScheduled", "ExecuteStep") == 1, $"The restarted step and the next one run in one activity after the resume: {Show(history)}");
        Assert.Equal(2, CountOf(history, "TaskScheduled", "ExecuteStep"));

        Assert.Equal(1, host.Count.Runs("first"));
        Assert.Equal(2, host.Count.Runs("second"));
        Assert.Equal(1, host.Count.Runs("third"));
        Assert.Equal([("first", null), ("second", "yes"), ("second", "no"), ("third", null)], host.Count.Log);
    }

    // 3
    [Fact]
    public async Task Retry_of_a_failed_task_resumes_the_same_orchestration_and_the_task_succeeds()
    {
        await using var host = NewHost();
        host.Count.FailNext("flaky", 1);
        var id = await CreateAsync(host, "retry", Count("first"), Count("flaky"), Count("last"));
        await host.Client.WaitForStatusAsync(id, "FAILED", DurableHost.Deadline);
        var waiting = await host.WaitForInstanceAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        var response = await host.Client.PatchAsync($"/v1/tasks/{id}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var done = await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);
        Assert.Equal(["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"], StepStatuses(done));
        var instance = await host.WaitForInstanceAsync(id, i => i.IsCompleted);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(waiting.CreatedAt, instance.CreatedAt);
        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(history, "ExecutionStarted") == 1, Show(history));
        Assert.Equal(1, ExecutionsStarted(host, id));
        Assert.True(CountOf(history, "EventRaised", "resume") == 1, Show(history));
        Assert.Equal(1, CountOf(After(history, e => e.Type == "EventRaised"), "TaskScheduled", "ExecuteStep"));
        Assert.Equal(1, host.Count.Runs("first"));
        Assert.Equal(2, host.Count.Runs("flaky"));
        Assert.Equal(1, host.Count.Runs("last"));
    }

    // 4a
    [Fact]
    public async Task Cancel_during_a_running_step_signals_its_action_cancels_the_task_and_terminates_the_orchestration()
    {
        await using var host = NewHost();
        var id = await CreateAsync(host, "cancel running", Count("first"), Step("blocking", BlockingStepAction.ActionName), Count("never"));
        await host.Block.Entered.WaitAsync(DurableHost.Deadline);

        var response = await host.Client.DeleteAsync($"/v1/tasks/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await host.Block.Cancelled.WaitAsync(TimeSpan.FromSeconds(10));
        var cancelled = await host.Client.WaitForStatusAsync(id, "CANCELLED", DurableHost.Deadline);
        Assert.Equal("SUCCESSFUL", cancelled["subTasks"]![0]!["status"].Str());
        // The action is still winding down: the orchestration does not wait for it.
        var instance = await host.WaitForInstanceAsync(id, i => i.IsCompleted, TimeSpan.FromSeconds(10));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, instance.RuntimeStatus);
        host.Block.Release();
        var history = await HistoryAsync(host, id);
        Assert.True(CountOf(history, "TaskScheduled", "ExecuteStep") == 1, $"The first step and the blocking one ran in one activity: {Show(history)}");
        Assert.Equal(0, host.Count.Runs("never"));
        var after = await host.Client.WaitForTaskAsync(id, t => t["subTasks"]![1]!["status"].Str() == "CANCELLED", DurableHost.Deadline);
        Assert.Equal("CANCELLED", after["status"].Str());
    }

    // 4b
    [Fact]
    public async Task Cancel_during_a_delay_steps_timer_cancels_the_task_at_once_and_the_next_step_never_runs()
    {
        await using var host = NewHost();
        var id = await CreateAsync(host, "cancel waiting", Count("first"), TestApi.DelayStep("wait", 60), Count("never"));
        await host.Client.WaitForTaskAsync(id, t => t["subTasks"]![1]!["status"].Str() == "IN_PROGRESS", DurableHost.Deadline);
        await WaitForHistoryAsync(host, id, h => CountOf(h, "TimerCreated") == 1);

        var clock = Stopwatch.StartNew();
        var response = await host.Client.DeleteAsync($"/v1/tasks/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Bounds well below the 60 s timer, generous for a loaded 2-core machine: the point is that the wait is cut short.
        var cancelled = await host.Client.WaitForStatusAsync(id, "CANCELLED", TimeSpan.FromSeconds(20));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Cancelled after {clock.Elapsed}, not when the 60 s timer fires");
        Assert.Equal(["SUCCESSFUL", "CANCELLED", "CANCELLED"], StepStatuses(cancelled));
        var instance = await host.WaitForInstanceAsync(id, i => i.IsCompleted, TimeSpan.FromSeconds(30));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, instance.RuntimeStatus);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Terminated after {clock.Elapsed}");
        var history = await HistoryAsync(host, id);
        var waited = After(history, e => e.Type == "TimerCreated");
        Assert.True(CountOf(waited, "TimerFired") == 0 && CountOf(waited, "TaskScheduled") == 0, $"Nothing ran after the timer started: {Show(history)}");
        Assert.Equal(0, host.Count.Runs("never"));
    }

    // 5
    [Fact]
    public async Task A_delay_step_waits_on_a_durable_timer_in_progress_and_never_less_than_its_time()
    {
        // A delay longer than DelayInActivity: a durable timer, then the next activity waits the last half of DelayInActivity.
        await using var host = NewHost(new Dictionary<string, string?> { ["FuncTasks:Runner:DelayInActivity"] = "00:00:01" });
        var id = await CreateAsync(host, "delay", Count("before"), TestApi.DelayStep("wait", 2), Count("after"));

        var waiting = await host.Client.WaitForTaskAsync(id, t => t["subTasks"]![1]!["status"].Str() == "IN_PROGRESS", DurableHost.Deadline);
        Assert.Equal(["SUCCESSFUL", "IN_PROGRESS", "PENDING"], StepStatuses(waiting));
        Assert.Equal("IN_PROGRESS", waiting["status"].Str());
        await WaitForHistoryAsync(host, id, h => CountOf(h, "TimerCreated") >= 1);
        Assert.Equal(0, host.Count.Runs("after"));

        await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);
        var process = await host.Client.GetProcessAsync(id);
        var step = process.StepOf(1);
        Assert.Equal("COMPLETED", step["status"].Str());
        var started = DateTimeOffset.Parse(step["startedAt"].Str());
        var completed = DateTimeOffset.Parse(step["completedAt"].Str());
        Assert.True(completed - started >= TimeSpan.FromSeconds(2), $"The delay step took {completed - started}");
        var attempt = Assert.Single(step["attempts"]!.AsArray());
        Assert.True(DateTimeOffset.Parse(attempt!["finishedAt"].Str()) - DateTimeOffset.Parse(attempt["startedAt"].Str()) >= TimeSpan.FromSeconds(2));
        Assert.True(DateTimeOffset.Parse(process.StepOf(2)["startedAt"].Str()) >= completed);
        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(history, "TimerCreated") >= 1 && CountOf(history, "TimerFired") >= 1, Show(history));
        // One activity ran the first step and claimed the delay step; after the timer one more completed it and ran the last step.
        var timed = After(history, e => e.Type == "TimerCreated");
        Assert.True(CountOf(history, "TaskScheduled", "ExecuteStep") == 2 && CountOf(timed, "TaskScheduled", "ExecuteStep") == 1, Show(history));
    }

    // 5b
    [Fact]
    public async Task A_short_delay_step_is_waited_inside_one_activity_without_a_durable_timer_and_never_less_than_its_time()
    {
        await using var host = NewHost();
        var id = await CreateAsync(host, "short delay", Count("before"), TestApi.DelayStep("wait", 2), Count("after"));

        await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);

        var process = await host.Client.GetProcessAsync(id);
        var step = process.StepOf(1);
        var started = DateTimeOffset.Parse(step["startedAt"].Str(), CultureInfo.InvariantCulture);
        var completed = DateTimeOffset.Parse(step["completedAt"].Str(), CultureInfo.InvariantCulture);
        Assert.True(completed - started >= TimeSpan.FromSeconds(2), $"The delay step took {completed - started}");
        Assert.True(DateTimeOffset.Parse(process.StepOf(2)["startedAt"].Str(), CultureInfo.InvariantCulture) >= completed);
        Assert.Equal(1, host.Count.Runs("after"));
        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(history, "TimerCreated") == 0 && CountOf(history, "TaskScheduled", "ExecuteStep") == 1, Show(history));
    }

    // 5c
    [Fact]
    public async Task Cancel_during_a_delay_waited_inside_the_activity_cancels_the_task_at_once_and_the_next_step_never_runs()
    {
        await using var host = NewHost(new Dictionary<string, string?> { ["FuncTasks:Runner:DelayInActivity"] = "00:01:00" });
        var id = await CreateAsync(host, "cancel short wait", Count("first"), TestApi.DelayStep("wait", 40), Count("never"));
        await host.Client.WaitForTaskAsync(id, t => t["subTasks"]![1]!["status"].Str() == "IN_PROGRESS", DurableHost.Deadline);

        var clock = Stopwatch.StartNew();
        var response = await host.Client.DeleteAsync($"/v1/tasks/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cancelled = await host.Client.WaitForStatusAsync(id, "CANCELLED", TimeSpan.FromSeconds(20));
        Assert.Equal(["SUCCESSFUL", "CANCELLED", "CANCELLED"], StepStatuses(cancelled));
        var instance = await host.WaitForInstanceAsync(id, i => i.IsCompleted, TimeSpan.FromSeconds(30));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, instance.RuntimeStatus);
        // Well below the 40 s delay, generous for a loaded machine: the activity's wait was cut short, not waited out.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Terminated after {clock.Elapsed}");
        await Eventually.Until(() => host.App.Services.GetRequiredService<FuncTasks.Core.Engine.RunningSteps>().Count == 0, "the activity's wait has ended");
        Assert.Equal(0, host.Count.Runs("never"));
        var history = await HistoryAsync(host, id);
        Assert.True(CountOf(history, "TimerCreated") == 0, Show(history));
    }

    // 6
    [Fact]
    public async Task An_external_step_completed_through_the_api_resumes_the_orchestration_and_the_next_step_runs()
    {
        await using var host = NewHost();
        var id = await CreateAsync(host, "external", Count("first"), Step("approve", "external"), Count("then"));
        var waiting = await host.Client.WaitForTaskAsync(id, t => t["subTasks"]![1]!["status"].Str() == "IN_PROGRESS", DurableHost.Deadline);
        await WaitForHistoryAsync(host, id, h => CountOf(h, "TaskScheduled", "ExecuteStep") == 1 && CountOf(h, "TaskCompleted") == 1);
        var running = await host.WaitForInstanceAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        Assert.Equal(0, host.Count.Runs("then"));

        var response = await host.Client.CompleteStepAsync(StepId(waiting, 1), new JsonObject { ["approvedBy"] = TestApi.Param("ops") });

        await response.EnvelopeAsync(HttpStatusCode.OK, "Process step completed");
        var done = await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);
        Assert.Equal(["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"], StepStatuses(done));
        Assert.Equal(1, host.Count.Runs("then"));
        Assert.Equal(1, host.Count.Runs("first"));
        var instance = await host.WaitForInstanceAsync(id, i => i.IsCompleted);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal(running.CreatedAt, instance.CreatedAt);
        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(history, "ExecutionStarted") == 1 && CountOf(history, "EventRaised", "resume") == 1, Show(history));
        Assert.Equal(1, ExecutionsStarted(host, id));
        Assert.True(CountOf(After(history, e => e.Type == "EventRaised"), "TaskScheduled", "ExecuteStep") >= 1, Show(history));
    }

    // 7
    [Fact]
    public async Task Of_20_simultaneous_restarts_one_wins_the_step_runs_once_more_and_one_resume_is_raised()
    {
        await using var host = NewHost();
        var id = await CreateAsync(host, "restart race", Count("first"), Count("second", fail: "yes"), Count("third"));
        var failed = await host.Client.WaitForStatusAsync(id, "FAILED", DurableHost.Deadline);
        await host.WaitForInstanceAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        var stepId = StepId(failed, 1);

        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.WaitAsync();
            return await host.Client.RestartAsync(stepId, new JsonObject { ["fail"] = TestApi.Param("no") });
        }).ToList();
        start.Release(20);
        var responses = await Task.WhenAll(requests);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await refused.PreconditionFailedAsync("processStepStatus");
        }

        await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);
        await host.WaitForInstanceAsync(id, i => i.IsCompleted);
        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(history, "EventRaised") == 1, $"One resume: {Show(history)}");
        Assert.Equal(1, CountOf(history, "ExecutionStarted"));
        Assert.Equal(1, ExecutionsStarted(host, id));
        Assert.Equal(1, host.Count.Runs("first"));
        Assert.Equal(2, host.Count.Runs("second"));
        Assert.Equal(1, host.Count.Runs("third"));
    }

    // 8
    [Fact]
    public async Task After_the_resume_timeout_the_orchestration_ends_and_a_later_restart_starts_a_new_one_for_the_same_task()
    {
        await using var host = NewHost(new Dictionary<string, string?> { ["FuncTasks:Runner:ResumeTimeout"] = "00:00:02" });
        var id = await CreateAsync(host, "resume timeout", Count("first"), Count("second", fail: "yes"), Count("third"));
        var failed = await host.Client.WaitForStatusAsync(id, "FAILED", DurableHost.Deadline);

        var ended = await host.WaitForInstanceAsync(id, i => i.IsCompleted);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        Assert.Equal("FAILED", (await host.Client.GetJsonAsync($"/v1/tasks/{id}"))["status"].Str());
        var first = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(first, "TimerCreated") >= 1 && CountOf(first, "EventRaised") == 0, $"Ended by its resume timeout: {Show(first)}");

        var response = await host.Client.RestartAsync(StepId(failed, 1), new JsonObject { ["fail"] = TestApi.Param("no") });

        await response.EnvelopeAsync(HttpStatusCode.OK);
        await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);
        var again = await host.WaitForInstanceAsync(id, i => i.IsCompleted && i.CreatedAt > ended.CreatedAt);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, again.RuntimeStatus);
        Assert.Equal(Guid.Parse(id).ToString("D"), again.InstanceId);
        var history = await WaitForHistoryAsync(host, id, h =>
            h.Count > 0 && h[^1].ExecutionId != first[0].ExecutionId && CountOf(h.Where(e => e.ExecutionId == h[^1].ExecutionId), "ExecutionCompleted") == 1);
        var latest = history.Where(e => e.ExecutionId == history[^1].ExecutionId).ToList();
        Assert.True(CountOf(latest, "ExecutionStarted") == 1 && CountOf(latest, "EventRaised") == 0, $"Started afresh, not resumed: {Show(latest)}");
        Assert.NotEqual(first[0].ExecutionId, latest[0].ExecutionId);
        var all = host.Recorder.History(id);
        Assert.True(CountOf(all, "ExecutionStarted") == 2, $"Two orchestrations for the task: {Show(all)}");
        Assert.Equal(2, all.Select(e => e.ExecutionId).Distinct().Count());
        Assert.Equal(1, host.Count.Runs("first"));
        Assert.Equal(2, host.Count.Runs("second"));
        Assert.Equal(1, host.Count.Runs("third"));
    }

    // 9
    [Fact]
    public async Task A_run_whose_activity_fails_on_every_try_is_marked_failed_as_broken_and_a_retry_runs_it_to_success()
    {
        const string name = "broken run";
        // Reads 1 and 2 are both tries of ExecuteStep (ActivityMaxAttempts = 2): FlakyTaskStore hands over no started snapshot, so each try reads.
        await using var host = NewHost(
            new Dictionary<string, string?>
            {
                ["FuncTasks:Runner:ActivityMaxAttempts"] = "2",
                ["FuncTasks:Runner:ActivityFirstRetryInterval"] = "00:00:00.200",
            },
            s => FlakyTaskStore.Register(s, name, pass: 0, failures: 2));
        var store = Assert.IsType<FlakyTaskStore>(host.App.Services.GetRequiredService<ITaskStore>());
        var id = await CreateAsync(host, name, Count("first"), Count("second"));

        // The API reads the task as the engine does, so while the reads fail look at the row itself.
        var row = await host.WaitForTaskRowAsync(id, "Failed");

        Assert.Contains("FuncTasks.RunBroken", row.GetString("Error"));
        Assert.Equal(2, store.Thrown);
        Assert.Equal(0, host.Count.Runs("first"));
        var failed = await host.Client.GetJsonAsync($"/v1/tasks/{id}");
        Assert.Equal("FAILED", failed["status"].Str());
        Assert.Equal("FuncTasks.RunBroken", failed["errors"]![0]!["errorType"].Str());
        Assert.Contains("Test fault", failed["errors"]![0]!["message"].Str());
        Assert.Equal(["FAILED", "PENDING"], StepStatuses(failed));
        Assert.True(failed["isRetryable"]!.GetValue<bool>());
        var waiting = await host.WaitForInstanceAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        var response = await host.Client.PatchAsync($"/v1/tasks/{id}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var done = await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);
        Assert.Equal(["SUCCESSFUL", "SUCCESSFUL"], StepStatuses(done));
        Assert.Equal(1, host.Count.Runs("first"));
        Assert.Equal(1, host.Count.Runs("second"));
        var instance = await host.WaitForInstanceAsync(id, i => i.IsCompleted);
        Assert.Equal(waiting.CreatedAt, instance.CreatedAt);
        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(history, "TaskScheduled", "FailRun") == 1 && CountOf(history, "EventRaised", "resume") == 1, Show(history));
        Assert.Equal(1, CountOf(history, "ExecutionStarted"));
        Assert.Equal(1, ExecutionsStarted(host, id));
    }

    // 11
    [Fact]
    public async Task A_task_of_20_instant_steps_runs_in_one_activity_with_no_look_ahead()
    {
        await using var host = NewHost();
        var id = await CreateAsync(host, "twenty", [.. Enumerable.Range(1, 20).Select(i => Count($"s{i}"))]);

        var done = await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);

        Assert.All(StepStatuses(done), s => Assert.Equal("SUCCESSFUL", s));
        Assert.All(Enumerable.Range(1, 20), i => Assert.Equal(1, host.Count.Runs($"s{i}")));
        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(history, "TaskScheduled") == 1 && CountOf(history, "TaskScheduled", "ExecuteStep") == 1, Show(history));
        // Each step's attempt is recorded once, completed: the chained claims left nothing behind.
        var process = await host.Client.GetProcessAsync(id);
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal("COMPLETED", Assert.Single(process.StepOf(i)["attempts"]!.AsArray())!["status"].Str()));
    }

    // 12
    [Fact]
    public async Task With_no_time_budget_each_step_is_an_activity_of_its_own_and_the_steps_run_once()
    {
        await using var host = NewHost(new Dictionary<string, string?> { ["FuncTasks:Runner:StepBatchTime"] = "00:00:00" });
        var id = await CreateAsync(host, "one by one", Count("a"), Count("b"), Count("c"), Count("d"));

        await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);

        var history = await WaitForHistoryAsync(host, id, h => CountOf(h, "ExecutionCompleted") == 1);
        Assert.True(CountOf(history, "TaskScheduled", "ExecuteStep") == 4, Show(history));
        Assert.Equal([("a", null), ("b", null), ("c", null), ("d", null)], host.Count.Log);
        var process = await host.Client.GetProcessAsync(id);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Single(process.StepOf(i)["attempts"]!.AsArray()));
    }

    // 13
    [Fact]
    public async Task Cancel_during_the_third_step_of_an_activity_stops_the_run_at_that_step()
    {
        await using var host = NewHost();
        var id = await CreateAsync(host, "cancel mid-run", Count("a"), Count("b"), Step("blocking", BlockingStepAction.ActionName), Count("never"));
        await host.Block.Entered.WaitAsync(DurableHost.Deadline);

        var response = await host.Client.DeleteAsync($"/v1/tasks/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await host.Block.Cancelled.WaitAsync(DurableHost.Deadline);
        host.Block.Release();
        var after = await host.Client.WaitForTaskAsync(id, t => t["subTasks"]![2]!["status"].Str() == "CANCELLED", DurableHost.Deadline);
        Assert.Equal(["SUCCESSFUL", "SUCCESSFUL", "CANCELLED", "CANCELLED"], StepStatuses(after));
        Assert.Equal(0, host.Count.Runs("never"));
        var history = await HistoryAsync(host, id);
        Assert.True(CountOf(history, "TaskScheduled", "ExecuteStep") == 1, Show(history));
    }
}

public sealed class InMemoryDurableRunnerTests : DurableRunnerTests
{
    protected override string Backend => "InMemory";

    protected override Task<IReadOnlyList<HistoryEntry>> HistoryAsync(DurableHost host, string instanceId) =>
        Task.FromResult(host.Recorder.History(instanceId));
}

public sealed class AzureStorageDurableRunnerTests : DurableRunnerTests
{
    protected override string Backend => "AzureStorage";

    protected override Task<IReadOnlyList<HistoryEntry>> HistoryAsync(DurableHost host, string instanceId) => host.StoredHistoryAsync(instanceId);

    // 16
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_extended_sessions_a_resumed_orchestration_replays_the_history_it_holds_instead_of_loading_it_again(bool extended)
    {
        var logs = new CapturedLogs();
        await using var host = NewHost(
            new Dictionary<string, string?>
            {
                ["FuncTasks:Runner:Durable:ExtendedSessions"] = extended ? "true" : "false",
                ["Logging:LogLevel:DurableTask.AzureStorage"] = "Information",
            },
            services => services.AddSingleton<ILoggerProvider>(logs));
        var id = await CreateAsync(host, "sessions", Count("first"), Count("second", fail: "yes"), Count("third"));
        var failed = await host.Client.WaitForStatusAsync(id, "FAILED", DurableHost.Deadline);
        await host.WaitForInstanceAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        var response = await host.Client.RestartAsync(StepId(failed, 1), new JsonObject { ["fail"] = TestApi.Param("no") });
        await response.EnvelopeAsync(HttpStatusCode.OK);
        var done = await host.Client.WaitForStatusAsync(id, "SUCCESSFUL", DurableHost.Deadline);
        Assert.Equal(["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"], StepStatuses(done));
        var instance = await host.WaitForInstanceAsync(id, i => i.IsCompleted);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        Assert.Equal([("first", null), ("second", "yes"), ("second", "no"), ("third", null)], host.Count.Log);

        // Three or four episodes (start; first activity done; resume, in the same episode when it came that quickly; second
        // activity done), all in the stored history.
        var history = await host.StoredHistoryAsync(id);
        var episodes = CountOf(history, "OrchestratorStarted");
        Assert.True(episodes >= 3, Show(history));
        Assert.True(CountOf(history, "TaskCompleted") == 2 && CountOf(history, "EventRaised", "resume") == 1, Show(history));
        // The backend logs each load of an instance's history from <hub>History (FetchedInstanceHistory).
        var loads = logs.Entries.Count(e =>
            e.Category.StartsWith("DurableTask.AzureStorage", StringComparison.Ordinal) &&
            e.Message.StartsWith(id, StringComparison.Ordinal) &&
            e.Message.Contains("history events", StringComparison.Ordinal));
        if (extended)
        {
            // Only the first episode loads it (and finds none): the others ran in the session kept since.
            Assert.True(loads <= 1, $"{loads} history loads with extended sessions for {episodes} episodes");
        }
        else
        {
            Assert.True(loads >= episodes, $"{loads} history loads without extended sessions for {episodes} episodes (one per episode expected)");
        }
    }

    // 10
    [Fact]
    public async Task A_host_killed_during_a_delay_step_resumes_the_same_orchestration_after_a_restart_within_a_minute()
    {
        await using var target = await TargetServer.StartAsync();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var hub = "h" + suffix;
        var settings = new Dictionary<string, string?>(DurableHost.Settings(Backend, hub))
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = "kill" + suffix,
            ["FuncTasks:Storage:QueueName"] = "kill" + suffix,
            ["FuncTasks:Auth:Keys:0:Name"] = "op",
            ["FuncTasks:Auth:Keys:0:Secret"] = FuncTasksApp.OperatorKey,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
        };
        var tables = new TableServiceClient(Azurite.ConnectionString);
        var history = tables.GetTableClient(hub + "History");

        string taskId;
        string execution;
        await using (var first = await LocalHostProcess.StartAsync(settings))
        {
            using var client = Client(first.Url);
            taskId = (await client.CreateTaskAsync(TestApi.Task("survives a kill",
                TestApi.HttpStep("before", target.Url("before")), TestApi.DelayStep("long", 8), TestApi.HttpStep("after", target.Url("after")))))["id"].Str();
            await client.WaitForTaskAsync(taskId, t => t["subTasks"]![1]!["status"].Str() == "IN_PROGRESS", TimeSpan.FromSeconds(60));
            execution = await WaitForTimerAsync(history, taskId);

            await first.KillAsync();
        }

        Assert.Equal(1, target.Calls("before"));
        Assert.Equal(0, target.Calls("after"));
        var restarted = Stopwatch.StartNew();
        await using var second = await LocalHostProcess.StartAsync(settings);
        using var again = Client(second.Url);
        var done = await again.WaitForStatusAsync(taskId, "SUCCESSFUL", TimeSpan.FromSeconds(60));

        Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(60), $"Resumed after {restarted.Elapsed}");
        Assert.All(done["subTasks"]!.AsArray(), s => Assert.Equal("SUCCESSFUL", s!["status"].Str()));
        Assert.Equal(1, target.Calls("before"));
        Assert.Equal(1, target.Calls("after"));
        // The orchestration that was waiting on the timer carried on: same execution, completed.
        var instances = tables.GetTableClient(hub + "Instances");
        var instance = await Eventually.Value(async () => (await instances.GetEntityAsync<TableEntity>(taskId, string.Empty)).Value,
            row => row.GetString("RuntimeStatus") == "Completed", "the orchestration completes", DurableHost.Deadline, TimeSpan.FromMilliseconds(100),
            row => $"{row.GetString("RuntimeStatus")}:\n{second.Output}");

        Assert.Equal(execution, instance.GetString("ExecutionId"));
    }

    // 10b
    [Fact]
    public async Task A_host_killed_while_its_activity_waits_a_delay_resumes_after_a_restart_and_never_ends_the_delay_early()
    {
        await using var target = await TargetServer.StartAsync();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var hub = "h" + suffix;
        var settings = new Dictionary<string, string?>(DurableHost.Settings(Backend, hub))
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = "killw" + suffix,
            ["FuncTasks:Storage:QueueName"] = "killw" + suffix,
            ["FuncTasks:Auth:Keys:0:Name"] = "op",
            ["FuncTasks:Auth:Keys:0:Secret"] = FuncTasksApp.OperatorKey,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
            // The whole delay is waited inside the ExecuteStep activity: the kill lands in that wait.
            ["FuncTasks:Runner:DelayInActivity"] = "00:00:30",
        };

        string taskId;
        await using (var first = await LocalHostProcess.StartAsync(settings))
        {
            using var client = Client(first.Url);
            taskId = (await client.CreateTaskAsync(TestApi.Task("survives a kill in a wait",
                TestApi.HttpStep("before", target.Url("before")), TestApi.DelayStep("long", 6), TestApi.HttpStep("after", target.Url("after")))))["id"].Str();
            await client.WaitForTaskAsync(taskId, t => t["subTasks"]![1]!["status"].Str() == "IN_PROGRESS", TimeSpan.FromSeconds(60));

            await first.KillAsync();
        }

        Assert.Equal(0, target.Calls("after"));
        await using var second = await LocalHostProcess.StartAsync(settings);
        using var again = Client(second.Url);
        var done = await again.WaitForStatusAsync(taskId, "SUCCESSFUL", TimeSpan.FromSeconds(90));

        Assert.All(done["subTasks"]!.AsArray(), s => Assert.Equal("SUCCESSFUL", s!["status"].Str()));
        Assert.Equal(1, target.Calls("before"));
        Assert.Equal(1, target.Calls("after"));
        var process = await again.GetProcessAsync(taskId);
        var delay = process.StepOf(1);
        var waited = DateTimeOffset.Parse(delay["completedAt"].Str(), CultureInfo.InvariantCulture) -
            DateTimeOffset.Parse(delay["startedAt"].Str(), CultureInfo.InvariantCulture);
        Assert.True(waited >= TimeSpan.FromSeconds(6), $"The delay step took {waited}");
    }

    /// <summary>Waits until the stored history shows the delay's durable timer; returns the execution that created it.</summary>
    private static async Task<string> WaitForTimerAsync(TableClient history, string taskId)
    {
        var timer = await Eventually.Value(
            async () =>
            {
                await foreach (var row in history.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {taskId} and EventType eq 'TimerCreated'")))
                {
                    return row;
                }

                return null;
            },
            row => row is not null,
            "the delay step's timer was created",
            DurableHost.Deadline,
            TimeSpan.FromMilliseconds(100),
            _ => "no TimerCreated row");
        return timer!.GetString("ExecutionId");
    }

    private static HttpClient Client(string url)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FuncTasksApp.OperatorKey);
        return client;
    }
}
