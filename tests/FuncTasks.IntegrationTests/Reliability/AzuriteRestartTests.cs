using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Flatfile;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>
/// Azurite itself stopped (SIGTERM) while tasks run, with the action of a step finishing during the outage, then
/// started again on the same ports and data: every dialect answers 503 with Retry-After meanwhile, and afterwards
/// every task finishes with each step's action called exactly once — the worker held the result through the outage
/// and stored it when storage came back.
/// </summary>
public sealed partial class AzuriteRestartTests
{
    private const int Tasks = 4;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly string[] Steps = ["before", "hold", "after"];

    [Fact]
    public async Task Azurite_stopped_mid_run_gets_503s_in_every_dialect_and_once_restarted_every_task_finishes_with_each_step_called_once()
    {
        await using var azurite = await RestartableAzurite.StartAsync();
        await using var target = await TargetServer.StartAsync();
        var logs = new CapturedLogs();
        await using var app = new FuncTasksApp(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            // Longer than this outage, so no run message becomes visible to another worker meanwhile: each held
            // result is then stored by the worker that holds it, and no action runs twice. (A longer outage can let
            // the message reappear; the ETag then makes one outcome count, and the step may run again: at-least-once.)
            ["FuncTasks:Runner:VisibilityTimeout"] = "00:01:00",
            ["FuncTasks:Runner:CancelCheckInterval"] = "00:00:01",
            ["FuncTasks:Engine:OutageBackoff"] = "00:00:00.100",
            ["FuncTasks:Engine:OutageBackoffMax"] = "00:00:01",
            ["FuncTasks:Storage:Retry:MaxRetries"] = "2",
            ["FuncTasks:Storage:Retry:Delay"] = "00:00:00.050",
            ["FuncTasks:Storage:Retry:MaxDelay"] = "00:00:00.200",
            ["FuncTasks:Storage:Retry:NetworkTimeout"] = "00:00:02",
            ["FuncTasks:RateLimit:Enabled"] = "false",
            ["Logging:LogLevel:FuncTasks.Core.Engine"] = "Information",
        }, services => services.AddSingleton<ILoggerProvider>(logs));
        var client = app.Operator();

        // Each task: a step, a step the target holds until storage is down, a step after it.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        target.OnCall = path => path.EndsWith("/hold", StringComparison.Ordinal) ? release.Task : Task.CompletedTask;
        var ids = new List<string>();
        for (var i = 0; i < Tasks; i++)
        {
            var created = await client.CreateTaskAsync(TestApi.Task($"outage {i}", Steps.Select(s => TestApi.HttpStep(s, target.Url($"o{i}/{s}"))).ToArray()));
            ids.Add(created["id"].Str());
        }

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(i => target.Entered($"o{i}/hold"))).WaitAsync(TimeSpan.FromSeconds(30));

        await azurite.StopAsync();
        // The held actions finish while storage is away: their workers now hold results they cannot store.
        release.SetResult();
        await Eventually.Until(() => Enumerable.Range(0, Tasks).All(i => target.Answered($"o{i}/hold") == 1), "the held calls were answered", every: TimeSpan.FromMilliseconds(25));
        await Eventually.Until(() => Outages(logs).Started > 0, "the host logged the outage", every: TimeSpan.FromMilliseconds(25));

        foreach (var (method, path, body) in Requests(ids[0]))
        {
            var watch = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);
            var elapsed = watch.Elapsed;
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{method} {path} while Azurite is stopped: {(int)response.StatusCode} {text}");
            Assert.True(int.TryParse(response.Headers.GetValues("Retry-After").Single(), out var seconds) && seconds > 0, $"{method} {path}: Retry-After is not a number of seconds");
            Assert.True(elapsed < Bound, $"{method} {path} took {elapsed.TotalSeconds:0.0} s (bound {Bound.TotalSeconds} s)");
            AssertDialectBody(path, text);
        }

        await azurite.RestartAsync();

        foreach (var id in ids)
        {
            var done = await client.WaitForStatusAsync(id, "SUCCESSFUL", TimeSpan.FromSeconds(45));
            Assert.All(done["subTasks"]!.AsArray(), s => Assert.Equal("SUCCESSFUL", s!["status"].Str()));
        }

        for (var i = 0; i < Tasks; i++)
        {
            foreach (var step in Steps)
            {
                Assert.True(target.Calls($"o{i}/{step}") == 1, $"step {step} of task {i} was called {target.Calls($"o{i}/{step}")} times");
            }
        }

        // One attempt per step, each completed: no result was given up, no attempt recorded as interrupted.
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(app.Prefix + "Tasks");
        foreach (var id in ids)
        {
            var attempts = new List<(int Step, int Number, string Outcome)>();
            await foreach (var row in table.QueryAsync<TableEntity>($"PartitionKey eq '{id}' and Kind eq 'attempt'"))
            {
                attempts.Add((row.GetInt32("StepIndex") ?? -1, row.GetInt32("Number") ?? -1, row.GetString("Outcome")));
            }

            Assert.Equal([(0, 1, "Completed"), (1, 1, "Completed"), (2, 1, "Completed")], attempts.Order());
        }

        // The creates refused with 503 stored nothing.
        Assert.Equal(Tasks, await app.CountTaskRowsAsync());

        // Logged once per outage, not per failed try: far fewer "unavailable" lines than retried calls.
        var (started, ended, failedCalls) = Outages(logs);
        Assert.InRange(started, 1, 3);
        Assert.InRange(ended, 1, started);
        Assert.True(failedCalls > started * 3, $"{failedCalls} failed calls were logged in {started} outage lines");
    }

    private static IEnumerable<(HttpMethod Method, string Path, string? Body)> Requests(string id)
    {
        yield return (HttpMethod.Get, $"/v1/tasks/{id}", null);
        yield return (HttpMethod.Post, "/v1/tasks", TestApi.Task("during the outage", TestApi.DelayStep("wait", 0.1)).ToJsonString());
        yield return (HttpMethod.Get, $"/v1/jobs/{id}", null);
        yield return (HttpMethod.Post, "/v1/jobs", JobsTestApi.AgentJob().ToJsonString());
        yield return (HttpMethod.Get, $"/api/v1/processes/{id}", null);
        yield return (HttpMethod.Post, "/api/v1/processes/start", new JsonObject { ["workflowId"] = Guid.NewGuid().ToString(), ["params"] = new JsonObject() }.ToJsonString());
        // The task-info dialect has only reads: the task and the list.
        yield return (HttpMethod.Get, $"/tasks/{id}", null);
        yield return (HttpMethod.Get, "/tasks", null);
    }

    private static void AssertDialectBody(string path, string text)
    {
        var body = JsonNode.Parse(text)!.AsObject();
        if (path.StartsWith("/v1/tasks", StringComparison.Ordinal))
        {
            Assert.Equal("SERVICE_UNAVAILABLE", body["errorCode"].Str());
            VcfSchema.AssertValid("Error", text);
        }
        else if (path.StartsWith("/v1/jobs", StringComparison.Ordinal))
        {
            Assert.False(string.IsNullOrWhiteSpace(body["errors"]![0]!["message"].Str()), text);
        }
        else if (path.StartsWith("/api/v1/processes", StringComparison.Ordinal))
        {
            Assert.Equal("Service Unavailable", body["message"].Str());
            Assert.NotNull(body["timestamp"]);
            Assert.NotNull(body["version"]);
        }
        else
        {
            Assert.Equal("SERVICE_UNAVAILABLE", body["error_code"].Str());
            Assert.True(Guid.TryParse(body["op_id"].Str(), out _), text);
        }

        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    /// <summary>The outage lines of <c>StorageOutage</c>: how many outages began and ended, and the failed calls they cover.</summary>
    private static (int Started, int Ended, long FailedCalls) Outages(CapturedLogs logs)
    {
        var lines = logs.Entries.Where(e => e.Category == "FuncTasks.Core.Engine.StorageOutage").ToList();
        var ended = lines.Where(e => e.Level == LogLevel.Information).Select(e => FailedCalls().Match(e.Message)).Where(m => m.Success).ToList();
        return (lines.Count(e => e.Level == LogLevel.Warning), ended.Count, ended.Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"\((\d+) failed calls")]
    private static partial Regex FailedCalls();
}
