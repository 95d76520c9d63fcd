using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Model;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Cognaize;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Dr;

public sealed class TaskInfoTests : AppTest
{
    private readonly CapturedLogs _logs;

    public TaskInfoTests()
        : this(new CapturedLogs())
    {
    }

    private TaskInfoTests(CapturedLogs logs)
        : base(new FuncTasksApp(services: s => s.AddSingleton<ILoggerProvider>(logs))) => _logs = logs;

    [Fact]
    public async Task A_running_task_is_RUNNING_with_a_start_time_and_no_completion_or_error()
    {
        var created = await Client.CreateTaskAsync(new JsonObject
        {
            ["name"] = "long wait",
            ["type"] = "SITE_TEST",
            ["description"] = "Wait for the site to settle",
            ["steps"] = new JsonArray(TestApi.DelayStep("wait", 60), TestApi.DelayStep("after", 0)),
        });
        var id = created["id"].Str();

        var task = await App.Reader().WaitForInfoAsync(id, t => t["start_time"] is not null);

        TaskInfoSeed.AssertMatches(task);
        Assert.Equal(id, task["id"].Str());
        Assert.Equal("Wait for the site to settle", task["description"].Str());
        Assert.Equal("SITE_TEST", task["type"].Str());
        Assert.Equal("RUNNING", task["status"].Str());
        Assert.Equal(0, task["progress"]!.GetValue<int>());
        Assert.InRange(task["start_time"].Time(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Null(task["complete_time"]);
        Assert.Null(task["error"]);
        Assert.Empty(task["_meta"]!["errors"]!.AsArray());

        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteAsync($"/v1/tasks/{id}")).StatusCode);
        var cancelled = await Client.WaitForInfoAsync(id, t => t["status"].Str() == "CANCELLED");
        TaskInfoSeed.AssertMatches(cancelled);
        Assert.True(cancelled["complete_time"].Time() >= cancelled["start_time"].Time());
        Assert.Null(cancelled["error"]);
    }

    [Fact]
    public async Task A_succeeded_task_is_SUCCESS_at_100_with_both_times()
    {
        var created = await Client.CreateTaskAsync(TestApi.Task("two calls", TestApi.HttpStep("a", Target.Url("a")), TestApi.HttpStep("b", Target.Url("b"))));
        var id = created["id"].Str();

        var task = await Client.WaitForInfoAsync(id, t => t["status"].Str() == "SUCCESS");

        TaskInfoSeed.AssertMatches(task);
        Assert.Equal("two calls", task["description"].Str());
        Assert.Equal("TEST_RUN", task["type"].Str());
        Assert.Equal(100, task["progress"]!.GetValue<int>());
        Assert.True(task["complete_time"].Time() >= task["start_time"].Time());
        Assert.Null(task["error"]);
    }

    [Fact]
    public async Task A_failed_task_is_ERROR_and_its_error_has_real_frames_and_the_http_failure_as_cause()
    {
        Target.Respond("b", 500, "database is down");
        var created = await Client.CreateTaskAsync(TestApi.Task("fails at b", TestApi.HttpStep("a", Target.Url("a")), TestApi.HttpStep("b", Target.Url("b"))));
        var id = created["id"].Str();

        var task = await Client.WaitForInfoAsync(id, t => t["status"].Str() == "ERROR");

        TaskInfoSeed.AssertMatches(task);
        Assert.Equal(50, task["progress"]!.GetValue<int>());
        Assert.True(task["complete_time"].Time() >= task["start_time"].Time());
        var error = task["error"]!.AsObject();
        Assert.StartsWith("Step 'b' (http) failed:", error["message"].Str());
        Assert.Equal(error["message"].Str(), error["localized_message"].Str());
        Assert.Empty(error["suppressed"]!.AsArray());
        var frames = error["stack_trace"]!.AsArray();
        Assert.NotEmpty(frames);
        Assert.Contains(frames, f => f!["class_name"].Str() == "FuncTasks.Core.Engine.StepExecutor" && f["module_name"].Str() == "FuncTasks.Core");
        Assert.All(frames, f => Assert.False(f!["native_method"]!.GetValue<bool>()));

        var cause = error["cause"]!.AsObject();
        Assert.Contains("answered 500", cause["message"].Str());
        Assert.Contains("database is down", cause["message"].Str());
        var top = cause["stack_trace"]!.AsArray()[0]!;
        Assert.Equal("FuncTasks.Core.Actions.HttpStepAction", top["class_name"].Str());
        Assert.Equal("ExecuteAsync", top["method_name"].Str());
        Assert.Equal("HttpStepAction.cs", top["file_name"].Str());
        Assert.True(top["line_number"]!.GetValue<int>() > 0);
        Assert.Equal("FuncTasks.Core", top["module_name"].Str());
        Assert.False(string.IsNullOrEmpty(top["module_version"].Str()));
        Assert.Null(cause["cause"]);
    }

    [Fact]
    public async Task A_task_created_but_not_started_is_QUEUED_without_start_time()
    {
        var snapshot = await App.Services.GetRequiredService<CreateTaskHandler>().HandleAsync(
            new CreateTask("manual", "MANUAL_RUN", null, [new NewStep("wait", "delay", null, new Dictionary<string, ParamValue> { ["seconds"] = ParamValue.Of(0L) })], Start: false),
            CancellationToken.None);

        var task = await Client.GetJsonAsync($"/tasks/{snapshot.Task.Id}");

        TaskInfoSeed.AssertMatches(task);
        Assert.Equal("QUEUED", task["status"].Str());
        Assert.Null(task["start_time"]);
        Assert.Null(task["complete_time"]);
    }

    [Fact]
    public async Task Progress_grows_as_steps_complete()
    {
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("three approvals",
            ProcessTestApi.External("one"), ProcessTestApi.External("two"), ProcessTestApi.External("three")));
        var processId = (await Client.StartProcessAsync(workflowId))["processId"].Str();
        var seen = new List<int>();

        for (var step = 0; step < 3; step++)
        {
            var process = await Client.WaitForStepStatusAsync(processId, step, "STARTED");
            seen.Add((await Client.GetJsonAsync($"/tasks/{processId}"))["progress"]!.GetValue<int>());
            await (await Client.CompleteStepAsync(process.StepOf(step)["processStepId"].Str())).EnvelopeAsync(HttpStatusCode.OK);
        }

        var done = await Client.WaitForInfoAsync(processId, t => t["status"].Str() == "SUCCESS");
        seen.Add(done["progress"]!.GetValue<int>());
        Assert.Equal([0, 33, 66, 100], seen);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("12345")]
    [InlineData("0000-zzzz")]
    public async Task An_id_that_is_not_a_uuid_returns_400_with_an_op_id_that_is_in_the_log(string id)
    {
        var body = await (await Client.GetAsync($"/tasks/{id}")).ResponseErrorAsync(HttpStatusCode.BadRequest);

        Assert.Equal("INVALID_REQUEST", body["error_code"].Str());
        Assert.Contains("task_id must be a UUID", body["message"].Str());
        Assert.Contains(_logs.Entries, e => e.Message.Contains(body["op_id"].Str()) && e.Message.Contains(id));
    }

    [Fact]
    public async Task An_unknown_task_returns_404_without_a_body()
    {
        await (await Client.GetAsync($"/tasks/{Guid.NewGuid()}")).AssertNoBodyAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync($"/tasks/{Guid.Empty}")).AssertNoBodyAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task No_key_or_a_wrong_key_returns_401_without_a_body()
    {
        await (await App.Anonymous().GetAsync($"/tasks/{Guid.NewGuid()}")).AssertNoBodyAsync(HttpStatusCode.Unauthorized);
        await (await App.Anonymous().GetAsync("/tasks")).AssertNoBodyAsync(HttpStatusCode.Unauthorized);
        await (await App.Client("not-a-key").GetAsync("/tasks")).AssertNoBodyAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_reader_key_may_read_task_info()
    {
        var created = await Client.CreateTaskAsync(TestApi.Task("readable", TestApi.DelayStep("d", 0)));

        var task = await App.Reader().WaitForInfoAsync(created["id"].Str(), t => t["status"].Str() == "SUCCESS");

        Assert.Equal(created["id"].Str(), task["id"].Str());
    }
}

public sealed class TaskInfoAccessTests
{
    [Fact]
    public async Task A_key_not_in_AllowedKeys_gets_403_with_an_op_id_that_is_in_the_log()
    {
        var logs = new CapturedLogs();
        await using var app = new FuncTasksApp(
            new Dictionary<string, string?> { ["FuncTasks:TaskInfo:AllowedKeys:0"] = "test-operator" },
            s => s.AddSingleton<ILoggerProvider>(logs));
        var created = await app.Operator().CreateTaskAsync(TestApi.Task("restricted", TestApi.DelayStep("d", 0)));
        var id = created["id"].Str();

        var refused = await (await app.Reader().GetAsync($"/tasks/{id}")).ResponseErrorAsync(HttpStatusCode.Forbidden);
        var refusedList = await (await app.Reader().GetAsync("/tasks")).ResponseErrorAsync(HttpStatusCode.Forbidden);

        Assert.Equal("FORBIDDEN", refused["error_code"].Str());
        Assert.Contains("test-reader", refused["message"].Str());
        Assert.DoesNotContain("restricted", refused.ToJsonString());
        Assert.NotEqual(refused["op_id"].Str(), refusedList["op_id"].Str());
        Assert.Contains(logs.Entries, e => e.Message.Contains(refused["op_id"].Str()));
        Assert.Equal(id, (await app.Operator().GetJsonAsync($"/tasks/{id}"))["id"].Str());
        Assert.Equal(HttpStatusCode.OK, (await app.Reader().GetAsync($"/v1/tasks/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_storage_failure_returns_500_with_an_op_id_that_is_in_the_log_and_no_exception_text()
    {
        var logs = new CapturedLogs();
        await using var app = new FuncTasksApp(services: s => s.AddSingleton<ILoggerProvider>(logs));
        var client = app.Operator();
        await client.GetAsync("/tasks");
        await app.TasksTable.DeleteAsync();

        var response = await client.GetAsync("/tasks?filter_property=status&filter=ERROR");

        var body = await response.ResponseErrorAsync(HttpStatusCode.InternalServerError);
        Assert.Equal("INTERNAL_SERVER_ERROR", body["error_code"].Str());
        Assert.DoesNotContain("TableNotFound", body.ToJsonString());
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(body["op_id"].Str()) && e.Exception is not null);
    }
}
