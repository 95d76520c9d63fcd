using System.Text.Json.Nodes;
using FuncTasks.Core.Model;
using FuncTasks.Functions.Tests.Support;
using Xunit.Abstractions;

namespace FuncTasks.Functions.Tests;

/// <summary>
/// Every HTTP function of the Functions app (its <c>[Function]</c> methods with an <c>[HttpTrigger]</c>, found by reflection,
/// so that a new function cannot be forgotten) called for real on Azurite and the Durable engine, with one representative
/// request that the LocalHost is sent too (after the same preparation through each host's own API): the function must
/// answer with the LocalHost's status, media type, body shape (property names at the top and one level down) and headers.
/// </summary>
[Collection(FunctionsOnAzurite.Collection)]
public sealed class HttpFunctionsTests(FunctionsOnAzurite hosts, ITestOutputHelper output)
{
    /// <summary>A representative request for one function: <paramref name="Run"/> prepares through the host's API and sends it.</summary>
    public sealed record Scenario(int Expected, Func<IApiHost, TargetServer, Task<ApiAnswer>> Run);

    public static TheoryData<string> HttpFunctionNames() => new(FunctionMethods.Http().Select(f => f.Name));

    private static ApiRequest Post(string path, JsonNode? body = null) => new("POST", path, body);

    /// <summary>A task whose only step (an http call answered 503) fails, once it has failed.</summary>
    private static async Task<string> FailedTaskAsync(IApiHost host, TargetServer target)
    {
        var id = await host.CreateTaskAsync(ApiCalls.Task("failing", ApiCalls.HttpStep("notify", target.Fail("notify"))));
        await host.WaitForStatusAsync(id, "FAILED");
        return id;
    }

    /// <summary>A task whose only step is external, once that step runs (and waits for its completion).</summary>
    private static async Task<string> WaitingTaskAsync(IApiHost host)
    {
        var id = await host.CreateTaskAsync(ApiCalls.Task("waiting", ApiCalls.ExternalStep("approve")));
        await host.WaitForStepStartedAsync(id, 0);
        return id;
    }

    private static string StepId(string taskId, int index) => TaskIds.StepId(Guid.Parse(taskId), index).ToString();

    /// <summary>An agent-driven job an agent has taken (executing).</summary>
    private static async Task<string> ExecutingJobAsync(IApiHost host)
    {
        var id = await host.CreateJobAsync(ApiCalls.AgentJob());
        await host.JobActionAsync(id, "ack", new JsonObject { ["progress"] = 10 });
        return id;
    }

    private static Task<string> ManualPlannedJobAsync(IApiHost host, TargetServer target) =>
        host.CreateJobAsync(ApiCalls.PlannedJob("manual", ApiCalls.HttpStep("first", target.Ok("first")), ApiCalls.HttpStep("second", target.Ok("second"))));

    public static readonly IReadOnlyDictionary<string, Scenario> Scenarios = new Dictionary<string, Scenario>(StringComparer.Ordinal)
    {
        // Tasks (VMware Cloud Foundation)
        ["CreateTask"] = new(202, (host, _) => host.SendAsync(Post("/v1/tasks", ApiCalls.Task("created", ApiCalls.ExternalStep("approve"))))),
        ["GetTasks"] = new(200, (host, _) => host.SendAsync(new("GET", "/v1/tasks?pageSize=5&taskStatus=FAILED,IN_PROGRESS"))),
        ["GetTask"] = new(200, async (host, target) => await host.SendAsync(new("GET", $"/v1/tasks/{await FailedTaskAsync(host, target)}"))),
        ["GetTaskEvents"] = new(200, async (host, target) => await host.SendAsync(new("GET", $"/v1/tasks/{await FailedTaskAsync(host, target)}/events"))),
        ["RetryTask"] = new(200, async (host, target) => await host.SendAsync(new("PATCH", $"/v1/tasks/{await FailedTaskAsync(host, target)}"))),
        ["CancelTask"] = new(200, async (host, _) => await host.SendAsync(new("DELETE", $"/v1/tasks/{await WaitingTaskAsync(host)}"))),

        // Processes (Cognaize)
        ["CreateWorkflow"] = new(200, async (host, _) => await host.SendAsync(Post("/api/v1/workflows", new JsonObject
        {
            ["name"] = "deploy",
            ["type"] = "FUNCTIONS_TEST",
            ["steps"] = new JsonArray(ApiCalls.DelayStep("warm-up", 0), new JsonObject { ["name"] = "notify", ["action"] = "http", ["params"] = new JsonObject { ["url"] = new JsonObject { ["type"] = "STRING" } } }),
        }))),
        ["GetWorkflow"] = new(200, async (host, _) => await host.SendAsync(new("GET", $"/api/v1/workflows/{await host.CreateWorkflowAsync()}"))),
        ["StartProcess"] = new(200, async (host, target) => await host.SendAsync(Post("/api/v1/processes/start", new JsonObject
        {
            ["workflowId"] = await host.CreateWorkflowAsync(),
            ["params"] = new JsonObject { ["url"] = ApiCalls.Param(target.Fail("process")) },
        }))),
        ["GetProcess"] = new(200, async (host, target) => await host.SendAsync(new("GET", $"/api/v1/processes/{await FailedTaskAsync(host, target)}"))),
        ["RestartFailedStep"] = new(200, async (host, target) => await host.SendAsync(Post("/api/v1/processes/restart-failed-step", new JsonObject
        {
            ["processStepId"] = StepId(await FailedTaskAsync(host, target), 0),
            ["params"] = new JsonObject { ["url"] = ApiCalls.Param(target.Ok("restarted")) },
        }))),
        ["CompleteProcessStep"] = new(200, async (host, _) => await host.SendAsync(Post("/api/v1/processes/complete-step", new JsonObject
        {
            ["processStepId"] = StepId(await WaitingTaskAsync(host), 0),
            ["params"] = new JsonObject { ["approvedBy"] = ApiCalls.Param("ops@example.com") },
        }))),

        // Jobs (Flatfile)
        ["CreateJob"] = new(200, (host, _) => host.SendAsync(Post("/v1/jobs", ApiCalls.AgentJob()))),
        ["ListJobs"] = new(200, (host, _) => host.SendAsync(new("GET", "/v1/jobs?pageSize=5&sortDirection=desc"))),
        ["PreviewMutation"] = new(501, (host, _) => host.SendAsync(Post("/v1/jobs/preview-mutation", new JsonObject { ["sheetId"] = "us_sh_1" }))),
        ["GetJob"] = new(200, async (host, _) => await host.SendAsync(new("GET", $"/v1/jobs/{await host.CreateJobAsync(ApiCalls.AgentJob())}"))),
        ["UpdateJob"] = new(200, async (host, _) => await host.SendAsync(new("PATCH", $"/v1/jobs/{await host.CreateJobAsync(ApiCalls.AgentJob("manual"))}",
            new JsonObject { ["info"] = "renamed", ["metadata"] = new JsonObject { ["priority"] = "low" } }))),
        ["DeleteJob"] = new(200, async (host, _) => await host.SendAsync(new("DELETE", $"/v1/jobs/{await host.CreateJobAsync(ApiCalls.AgentJob("manual"))}"))),
        ["ExecuteJob"] = new(200, async (host, _) => await host.SendAsync(Post($"/v1/jobs/{await host.CreateJobAsync(ApiCalls.AgentJob("manual"))}/execute"))),
        ["GetJobPlan"] = new(200, async (host, target) => await host.SendAsync(new("GET", $"/v1/jobs/{await ManualPlannedJobAsync(host, target)}/plan"))),
        ["ReplaceJobPlan"] = new(200, async (host, target) => await host.SendAsync(new("PUT", $"/v1/jobs/{await ManualPlannedJobAsync(host, target)}/plan",
            new JsonObject { ["steps"] = new JsonArray(ApiCalls.HttpStep("only", target.Ok("only"))) }))),
        ["UpdateJobPlan"] = new(200, async (host, target) => await host.SendAsync(new("PATCH", $"/v1/jobs/{await ManualPlannedJobAsync(host, target)}/plan",
            new JsonObject { ["steps"] = new JsonArray(new JsonObject { ["index"] = 1, ["params"] = new JsonObject { ["url"] = ApiCalls.Param(target.Ok("changed")) } }) }))),
        ["AckJob"] = new(200, async (host, _) => await host.SendAsync(Post($"/v1/jobs/{await host.CreateJobAsync(ApiCalls.AgentJob())}/ack",
            new JsonObject { ["info"] = "reading rows", ["progress"] = 30 }))),
        ["CompleteJob"] = new(200, async (host, _) => await host.SendAsync(Post($"/v1/jobs/{await ExecutingJobAsync(host)}/complete",
            new JsonObject { ["outcome"] = new JsonObject { ["message"] = "10 rows submitted" }, ["info"] = "done" }))),
        ["FailJob"] = new(200, async (host, _) => await host.SendAsync(Post($"/v1/jobs/{await ExecutingJobAsync(host)}/fail",
            new JsonObject { ["outcome"] = new JsonObject { ["message"] = "row 7 is invalid" }, ["info"] = "stopped" }))),
        ["AckJobOutcome"] = new(200, async (host, _) =>
        {
            var id = await ExecutingJobAsync(host);
            await host.JobActionAsync(id, "complete", new JsonObject { ["outcome"] = new JsonObject { ["message"] = "done" } });
            return await host.SendAsync(Post($"/v1/jobs/{id}/outcome/ack"));
        }),
        ["CancelJob"] = new(200, async (host, _) => await host.SendAsync(Post($"/v1/jobs/{await host.CreateJobAsync(ApiCalls.AgentJob())}/cancel",
            new JsonObject { ["info"] = "not needed" }))),
        ["RetryJob"] = new(200, async (host, _) =>
        {
            var id = await ExecutingJobAsync(host);
            await host.JobActionAsync(id, "fail", new JsonObject { ["info"] = "broken" });
            return await host.SendAsync(Post($"/v1/jobs/{id}/retry"));
        }),
        ["SplitJob"] = new(200, async (host, _) => await host.SendAsync(Post($"/v1/jobs/{await ExecutingJobAsync(host)}/split",
            new JsonObject { ["parts"] = 2, ["runInParallel"] = true }))),

        // Task info (VMware Live Site Recovery)
        ["GetAllTasksInfo"] = new(200, (host, _) => host.SendAsync(new("GET", "/tasks?limit=5&filter_property=status&filter=ERROR"))),
        ["GetTaskInfo"] = new(200, async (host, target) => await host.SendAsync(new("GET", $"/tasks/{await FailedTaskAsync(host, target)}"))),

        // Webhook subscriptions
        ["CreateSubscription"] = new(201, (host, target) => host.SendAsync(Post("/v1/subscriptions", Subscription(target)))),
        ["GetSubscriptions"] = new(200, async (host, target) => { await SubscriptionAsync(host, target); return await host.SendAsync(new("GET", "/v1/subscriptions")); }),
        ["GetSubscription"] = new(200, async (host, target) => await host.SendAsync(new("GET", $"/v1/subscriptions/{await SubscriptionAsync(host, target)}"))),
        ["UpdateSubscription"] = new(200, async (host, target) => await host.SendAsync(new("PATCH", $"/v1/subscriptions/{await SubscriptionAsync(host, target)}", new JsonObject { ["enabled"] = false }))),
        ["DeleteSubscription"] = new(204, async (host, target) => await host.SendAsync(new("DELETE", $"/v1/subscriptions/{await SubscriptionAsync(host, target)}"))),
        ["GetSubscriptionDeliveries"] = new(200, async (host, target) => await host.SendAsync(new("GET", $"/v1/subscriptions/{await SubscriptionAsync(host, target)}/deliveries"))),
    };

    private static JsonObject Subscription(TargetServer target) => new() { ["url"] = target.Ok("hook"), ["events"] = new JsonArray("task.failed"), ["description"] = "functions test" };

    private static async Task<string> SubscriptionAsync(IApiHost host, TargetServer target) =>
        (await host.SendAsync(Post("/v1/subscriptions", Subscription(target)))).Object["id"]!.GetValue<string>();

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public async Task The_function_answers_its_representative_request_as_the_LocalHost_does(string function)
    {
        Assert.True(Scenarios.TryGetValue(function, out var scenario),
            $"The HTTP function {function} has no representative request: add one to {nameof(HttpFunctionsTests)}.{nameof(Scenarios)}.");

        var answers = await Task.WhenAll(scenario.Run(hosts.Functions, hosts.Target), scenario.Run(hosts.LocalHost, hosts.Target));
        var (functions, localHost) = (answers[0], answers[1]);
        output.WriteLine(functions.ToString());
        output.WriteLine(localHost.ToString());

        var context = $"{Environment.NewLine}Functions app: {functions}{Environment.NewLine}LocalHost: {localHost}{Environment.NewLine}Functions app log:{Environment.NewLine}{hosts.Logs.Recent()}";
        Assert.True(functions.ServedBy == function, $"The representative request of {function} was served by {functions.ServedBy}.{context}");
        Assert.True(localHost.Status == scenario.Expected, $"The LocalHost answered {localHost.Status}, the scenario expects {scenario.Expected}.{context}");
        Assert.True(functions.Status == localHost.Status, $"Status {functions.Status}, the LocalHost's {localHost.Status}.{context}");
        Assert.True(functions.MediaType == localHost.MediaType, $"Media type {functions.MediaType}, the LocalHost's {localHost.MediaType}.{context}");
        Assert.True(functions.Shape().SequenceEqual(localHost.Shape()),
            $"Body shape [{string.Join(", ", functions.Shape())}], the LocalHost's [{string.Join(", ", localHost.Shape())}].{context}");
        Assert.True(functions.Headers.Keys.Order().SequenceEqual(localHost.Headers.Keys.Order(), StringComparer.OrdinalIgnoreCase),
            $"Headers [{string.Join(", ", functions.Headers.Keys)}], the LocalHost's [{string.Join(", ", localHost.Headers.Keys)}].{context}");
    }

    [Fact]
    public void Every_representative_request_is_for_a_function_of_the_app()
    {
        var functions = FunctionMethods.Http().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(37, functions.Count);
        Assert.All(Scenarios.Keys, k => Assert.Contains(k, functions));
    }

    [Fact]
    public async Task A_request_without_a_valid_key_is_refused_by_the_function_in_its_dialect_as_by_the_LocalHost()
    {
        foreach (var request in new ApiRequest[] { new("GET", "/v1/tasks", Key: "no-such-key"), new("GET", "/v1/jobs", Key: "no-such-key"), new("POST", "/v1/tasks", ApiCalls.Task("x", ApiCalls.ExternalStep("a")), ApiKeys.Reader) })
        {
            var functions = await hosts.Functions.SendAsync(request);
            var localHost = await hosts.LocalHost.SendAsync(request);

            Assert.True(functions.Status is 401 or 403, $"{request}: {functions}");
            Assert.Equal(localHost.Status, functions.Status);
            Assert.Equal(localHost.Shape(), functions.Shape());
        }
    }
}
