using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using FuncTasks.Core;
using FuncTasks.Core.Model;
using FuncTasks.IntegrationTests.Cognaize;
using FuncTasks.IntegrationTests.Flatfile;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FuncTasks.IntegrationTests.Vcf;

/// <summary>
/// The task row's view of its steps (ADR 0006): written in the transaction of every change of a step, it reads back as the
/// partition query does, step for step, through the lifecycle; a GET is one storage request; a row without a view (too
/// large, or written before views) is read by the partition query; concurrent writers still lose nothing.
/// </summary>
public sealed class TaskRowViewTests() : AppTest(new FuncTasksApp(services: services =>
    services.AddSingleton(sp => new TableServiceClient(
        sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString, Counting.Options(sp.GetRequiredService<IOptions<StorageOptions>>().Value)))))
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private TableTaskStore Store => App.Services.GetRequiredService<TableTaskStore>();

    [Fact]
    public async Task A_running_step_then_a_cancel_read_from_the_view_as_from_the_partition()
    {
        Target.Respond("slow", 200, "late", TimeSpan.FromSeconds(30));
        var id = (await Client.CreateTaskAsync(TestApi.Task("view running",
            TestApi.HttpStep("first", Target.Url("first")), TestApi.HttpStep("slow", Target.Url("slow")), TestApi.HttpStep("after", Target.Url("after")))))["id"].Str();
        await Target.Entered("slow").WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually.Until(async () => (await Store.GetAsync(Guid.Parse(id), false, default))!.Steps[1].Status == StepState.Started, "the slow step is claimed");
        await AssertViewMatchesAsync(id, "running");

        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteAsync($"/v1/tasks/{id}")).StatusCode);
        var cancelled = await AssertViewMatchesAsync(id, "cancelled");
        Assert.Equal(TaskState.Cancelled, cancelled.Task.Status);
        Assert.All(cancelled.Steps.Skip(1), s => Assert.Equal(StepState.Cancelled, s.Status));
    }

    [Fact]
    public async Task Failed_retried_and_restarted_with_new_params_read_from_the_view_as_from_the_partition()
    {
        Target.Respond("broken", 500, "database is down");
        var id = (await Client.CreateTaskAsync(TestApi.Task("view failing",
            TestApi.HttpStep("first", Target.Url("first")), TestApi.HttpStep("second", Target.Url("broken")))))["id"].Str();
        var failed = await Client.WaitForStatusAsync(id, "FAILED");
        var snapshot = await AssertViewMatchesAsync(id, "failed");
        Assert.NotNull(snapshot.Steps[1].Error);

        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsync($"/v1/tasks/{id}", null)).StatusCode);
        await Eventually.Until(async () => (await Store.GetAsync(Guid.Parse(id), false, default))!.Task is { Status: TaskState.Failed, Generation: > 1 }, "the retry failed again");
        snapshot = await AssertViewMatchesAsync(id, "retried");
        Assert.Equal(2, snapshot.Steps[1].AttemptCount);

        var restart = await Client.RestartAsync(failed["subTasks"]![1]!["id"].Str(), new JsonObject { ["url"] = TestApi.Param(Target.Url("fixed")) });
        Assert.Equal(HttpStatusCode.OK, restart.StatusCode);
        await Client.WaitForStatusAsync(id, "SUCCESSFUL");
        snapshot = await AssertViewMatchesAsync(id, "restarted with new params");
        Assert.Equal(Target.Url("fixed"), snapshot.Steps[1].Params["url"].StrValue);
    }

    [Fact]
    public async Task Many_instant_steps_run_chained_read_from_the_view_as_from_the_partition()
    {
        // Each chained write re-serialises only the steps it changes (the others' parts are kept per step record): the view
        // after 40 such writes still reads back as the step rows, every time and every field.
        var steps = Enumerable.Range(0, 40).Select(i => TestApi.DelayStep($"instant-{i}", 0)).ToArray();
        var id = (await Client.CreateTaskAsync(TestApi.Task("view chained", steps)))["id"].Str();
        await Client.WaitForStatusAsync(id, "SUCCESSFUL");
        var snapshot = await AssertViewMatchesAsync(id, "40 chained steps done");
        Assert.All(snapshot.Steps, s => Assert.True(s is { Status: StepState.Completed, AttemptCount: 1, StartedAt: not null, CompletedAt: not null }, $"step {s.Index}"));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"instant-{i}"), snapshot.Steps.Select(s => s.Name));
    }

    [Fact]
    public async Task A_step_waiting_for_its_next_attempt_reads_from_the_view_as_from_the_partition()
    {
        Target.Respond("flaky", 503, "busy");
        var step = TestApi.HttpStep("flaky", Target.Url("flaky"));
        step["retry"] = new JsonObject { ["maxAttempts"] = 3, ["intervalSeconds"] = 30 };
        var id = (await Client.CreateTaskAsync(TestApi.Task("view waiting", step)))["id"].Str();
        await Eventually.Until(async () => (await Store.GetAsync(Guid.Parse(id), false, default))!.Steps[0].IsWaitingToRetry, "the step waits for its next attempt");
        var snapshot = await AssertViewMatchesAsync(id, "waiting to retry");
        Assert.NotNull(snapshot.Steps[0].NextAttemptAt);
        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteAsync($"/v1/tasks/{id}")).StatusCode);
        await AssertViewMatchesAsync(id, "cancelled while waiting");
    }

    [Fact]
    public async Task Agent_progress_and_plan_edits_read_from_the_view_as_from_the_partition()
    {
        var agent = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await AssertViewMatchesAsync(agent, "agent job created");
        await Client.JobActionAsync(agent, "ack", new JsonObject { ["info"] = "reading rows", ["progress"] = 30 });
        await AssertViewMatchesAsync(agent, "agent progress");
        await Client.JobActionAsync(agent, "complete", new JsonObject { ["info"] = "done" });
        await AssertViewMatchesAsync(agent, "agent completed");

        var job = JobsTestApi.PlannedJob("view plan", TestApi.HttpStep("x", Target.Url("x")), TestApi.HttpStep("y", Target.Url("y")), TestApi.HttpStep("z", Target.Url("z")));
        job["trigger"] = "manual";
        var planned = (await Client.CreateJobAsync(job))["id"].Str();
        await AssertViewMatchesAsync(planned, "planned job created");
        var put = await Client.PutAsJsonAsync($"/v1/jobs/{planned}/plan", new JsonObject
        {
            ["steps"] = new JsonArray(TestApi.HttpStep("first", Target.Url("first")), TestApi.HttpStep("second", Target.Url("second"))),
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var edited = await AssertViewMatchesAsync(planned, "plan replaced (a step removed)");
        Assert.Equal(["first", "second"], edited.Steps.Select(s => s.Name));
        await Client.PostJobAsync(planned, "execute");
        await Client.WaitForJobStatusAsync(planned, "complete");
        await AssertViewMatchesAsync(planned, "planned job complete");
        Assert.Equal(2, (await Client.GetPlanAsync(planned))["plan"]!["steps"]!.AsArray().Count);
    }

    [Fact]
    [Trait("Runner", "Queue")]
    public async Task A_GET_of_each_dialect_is_one_storage_request()
    {
        var id = (await Client.CreateTaskAsync(TestApi.Task("counted", TestApi.HttpStep("a", Target.Url("a")), TestApi.HttpStep("b", Target.Url("b")))))["id"].Str();
        await Client.WaitForStatusAsync(id, "SUCCESSFUL");
        var job = JobsTestApi.PlannedJob("counted job", TestApi.HttpStep("x", Target.Url("x")));
        var jobId = (await Client.CreateJobAsync(job))["id"].Str();
        await Client.WaitForJobStatusAsync(jobId, "complete");

        using var reader = App.Reader();
        Assert.Equal(1, await RequestsAsync(id, () => reader.GetJsonAsync($"/v1/tasks/{id}")));
        Assert.Equal(1, await RequestsAsync(id, () => reader.GetJsonAsync($"/tasks/{id}")));
        Assert.Equal(1, await RequestsAsync(jobId, () => reader.GetJobAsync(jobId)));
        Assert.Equal(1, await RequestsAsync(jobId, () => reader.GetPlanAsync(jobId)));
    }

    [Fact]
    public async Task A_row_written_before_views_is_read_by_the_partition_query_and_the_next_write_adds_its_view()
    {
        Target.Respond("broken", 500, "no");
        var id = (await Client.CreateTaskAsync(TestApi.Task("old row", TestApi.HttpStep("first", Target.Url("first")), TestApi.HttpStep("second", Target.Url("broken")))))["id"].Str();
        await Client.WaitForStatusAsync(id, "FAILED");

        // As an earlier version wrote it: the task row without the view.
        var row = (await App.TasksTable.GetEntityAsync<TableEntity>(id, "task")).Value;
        foreach (var name in row.Keys.Where(k => k.StartsWith("StepsView", StringComparison.Ordinal)).ToList())
        {
            row.Remove(name);
        }

        await App.TasksTable.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        var read = await Store.ReadAsync(Guid.Parse(id), default);
        var queried = await Store.GetAsync(Guid.Parse(id), false, default);
        Assert.Equal(Shape(queried!), Shape(read!));
        Assert.Equal(2, await OwnRequestsAsync(() => Store.ReadAsync(Guid.Parse(id), default)));

        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsync($"/v1/tasks/{id}", null)).StatusCode);
        await Eventually.Until(async () => (await Store.GetAsync(Guid.Parse(id), false, default))!.Task is { Status: TaskState.Failed, Generation: > 1 }, "the retry failed again");
        await AssertViewMatchesAsync(id, "written again");
    }

    [Fact]
    public async Task Steps_too_large_for_the_view_are_read_by_the_partition_query_and_a_write_that_makes_them_fit_adds_it()
    {
        var now = DateTimeOffset.UtcNow;
        var taskId = TaskIds.NewTaskId(TimeProvider.System);
        const int count = 14;
        var big = new string('x', ParamsSize.MaxSerializedLength - 100);
        var steps = Enumerable.Range(0, count).Select(i => new TaskStep
        {
            TaskId = taskId, Index = i, Name = $"s{i}", Action = "http", Status = StepState.Pending, CreatedAt = now,
            Params = new Dictionary<string, ParamValue> { ["body"] = new(ParamType.STRING, big) },
        }).ToList();
        var task = new TaskRecord { Id = taskId, Name = "large", Type = "test", Status = TaskState.Cancelled, CreatedAt = now, UpdatedAt = now, StepCount = count };
        var created = await Store.CreateAsync(task, steps, default);

        Assert.False(await HasViewAsync(taskId.ToString()));
        Assert.Equal(Shape(created), Shape((await Store.ReadAsync(taskId, default))!));
        Assert.Equal(Shape((await Store.GetAsync(taskId, false, default))!), Shape((await Store.ReadAsync(taskId, default))!));

        // Smaller parameters: the write that changes the steps writes the view, and the point read answers.
        var current = (await Store.GetAsync(taskId, false, default))!;
        var smaller = current.Steps.Select(s => s with { Params = new Dictionary<string, ParamValue> { ["body"] = new(ParamType.STRING, "small") } }).ToArray();
        await Store.SaveAsync(current, TaskUpdate.Of(current.Task with { UpdatedAt = now.AddSeconds(1) }, smaller), default);
        await AssertViewMatchesAsync(taskId.ToString(), "made smaller");
        Assert.Equal(1, await OwnRequestsAsync(() => Store.ReadAsync(taskId, default)));
    }

    [Fact]
    public async Task Writers_of_different_steps_from_one_read_lose_nothing_one_wins_and_the_other_conflicts()
    {
        var now = DateTimeOffset.UtcNow;
        var taskId = TaskIds.NewTaskId(TimeProvider.System);
        var steps = Enumerable.Range(0, 2).Select(i => new TaskStep
        {
            TaskId = taskId, Index = i, Name = $"s{i}", Action = "external", Status = StepState.Pending, CreatedAt = now, Params = new Dictionary<string, ParamValue>(),
        }).ToList();
        var created = await Store.CreateAsync(new TaskRecord { Id = taskId, Name = "race", Type = "test", Status = TaskState.Cancelled, CreatedAt = now, StepCount = 2 }, steps, default);

        // Two writers that change different step rows (one without naming the task row): both go through the task row's ETag.
        var first = Store.SaveAsync(created, new TaskUpdate(Steps: [created.Steps[0] with { Output = "by first" }]), default);
        var second = Store.SaveAsync(created, new TaskUpdate(Steps: [created.Steps[1] with { Output = "by second" }]), default);
        var outcomes = await Task.WhenAll(Outcome(first), Outcome(second));
        Assert.Equal(1, outcomes.Count(o => o));

        var read = (await Store.ReadAsync(taskId, default))!;
        Assert.Equal(outcomes[0] ? ["by first", null] : [null, "by second"], read.Steps.Select(s => s.Output));
        await AssertViewMatchesAsync(taskId.ToString(), "after the race");

        // The loser re-reads and writes: both changes are kept.
        var fresh = (await Store.GetAsync(taskId, false, default))!;
        var loser = outcomes[0] ? 1 : 0;
        await Store.SaveAsync(fresh, new TaskUpdate(Steps: [fresh.Steps[loser] with { Output = "again" }]), default);
        var both = await AssertViewMatchesAsync(taskId.ToString(), "after the re-read");
        Assert.All(both.Steps, s => Assert.NotNull(s.Output));

        static async Task<bool> Outcome(Task<TaskSnapshot> save)
        {
            try
            {
                await save;
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }
    }

    /// <summary>The point read answers from the view (one request) and equals the partition query, step for step.</summary>
    private async Task<TaskSnapshot> AssertViewMatchesAsync(string id, string when)
    {
        var taskId = Guid.Parse(id);
        Assert.True(await HasViewAsync(id), $"the task row has a view ({when})");
        TaskSnapshot? read = null;
        Assert.Equal(1, await OwnRequestsAsync(async () => read = await Store.ReadAsync(taskId, default)));
        var queried = (await Store.GetAsync(taskId, false, default))!;
        Assert.True(read!.Task.ETag == queried.Task.ETag, $"nothing was written between the reads ({when})");
        Assert.Equal(Shape(queried), Shape(read));
        Assert.All(read.Steps, s => Assert.Null(s.ETag));
        return read;
    }

    private async Task<bool> HasViewAsync(string id) =>
        (await App.TasksTable.GetEntityAsync<TableEntity>(id, "task")).Value.GetInt32("StepsViewParts") is > 0;

    /// <summary>A snapshot as JSON without ETags (the view's steps carry none).</summary>
    private static string Shape(TaskSnapshot snapshot) =>
        JsonSerializer.Serialize(new { Task = snapshot.Task with { ETag = null }, Steps = snapshot.Steps.Select(s => s with { ETag = null }) }, Json);

    /// <summary>Table requests that name the task's partition while <paramref name="read"/> runs (an HTTP GET of a finished task).</summary>
    private static async Task<int> RequestsAsync(string id, Func<Task> read)
    {
        var before = Counting.Of(id);
        await read();
        return Counting.Of(id) - before;
    }

    /// <summary>Table requests sent by <paramref name="read"/> itself (not by the runner working meanwhile).</summary>
    private static async Task<int> OwnRequestsAsync(Func<Task> read)
    {
        var own = new System.Runtime.CompilerServices.StrongBox<int>();
        Counting.Own.Value = own;
        try
        {
            await read();
        }
        finally
        {
            Counting.Own.Value = null;
        }

        return own.Value;
    }

    /// <summary>Counts table requests per task id they name (path or query), in this process, and those of one call.</summary>
    private sealed class Counting : HttpPipelineSynchronousPolicy
    {
        public static readonly AsyncLocal<System.Runtime.CompilerServices.StrongBox<int>?> Own = new();
        private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Requests = new();

        public static TableClientOptions Options(StorageOptions storage)
        {
            var options = new TableClientOptions();
            storage.Retry.ApplyTo(options.Retry);
            options.AddPolicy(new Counting(), HttpPipelinePosition.PerRetry);
            return options;
        }

        public static int Of(string id) => Requests.Count(r => r.Contains(id, StringComparison.OrdinalIgnoreCase));

        public override void OnSendingRequest(HttpMessage message)
        {
            Requests.Enqueue(Uri.UnescapeDataString(message.Request.Uri.ToString()));
            if (Own.Value is { } own)
            {
                Interlocked.Increment(ref own.Value);
            }
        }
    }
}
