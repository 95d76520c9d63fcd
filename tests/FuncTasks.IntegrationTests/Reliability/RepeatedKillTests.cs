using System.Net.Http.Headers;
using Azure.Data.Tables;
using FuncTasks.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>
/// The LocalHost as a real process, killed with SIGKILL several times while 20 tasks run, each time at a random
/// point of their progress (the N-th step call the target sees, N drawn at random), and started again: every task
/// finishes, none is lost or duplicated, and a step's action runs more than once only for an attempt that was in
/// flight at a kill (at-least-once), never twice for one attempt.
/// </summary>
public sealed class RepeatedKillTests(ITestOutputHelper output)
{
    private const int TaskCount = 20;
    private const int StepCount = 4;
    private const int Kills = 3;

    [Fact]
    public async Task Twenty_tasks_survive_repeated_SIGKILLs_at_random_points_each_step_called_once_plus_once_per_kill_that_caught_its_attempt()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        // The N-th step call (counting repeats) at which the host is killed: three random points spread over the run.
        var killAt = new int[Kills];
        for (var k = 0; k < Kills; k++)
        {
            killAt[k] = (k == 0 ? 0 : killAt[k - 1]) + random.Next(4, 24);
        }

        output.WriteLine($"kills at calls {string.Join(", ", killAt)}");

        await using var target = await TargetServer.StartAsync();
        var id = Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = "kill" + id,
            ["FuncTasks:Storage:QueueName"] = "kill" + id,
            ["FuncTasks:Runner:Workers"] = "8",
            ["FuncTasks:Runner:VisibilityTimeout"] = "00:00:03",
            ["FuncTasks:Runner:MaxPollInterval"] = "00:00:00.200",
            // Each kill is a delivery without an outcome for the runs it catches: leave room for all of them.
            ["FuncTasks:Runner:MaxDequeueCount"] = "10",
            ["FuncTasks:RateLimit:Enabled"] = "false",
            ["FuncTasks:Auth:Keys:0:Name"] = "op",
            ["FuncTasks:Auth:Keys:0:Secret"] = FuncTasksApp.OperatorKey,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
        };
        var table = new TableServiceClient(Azurite.ConnectionString).GetTableClient(settings["FuncTasks:Storage:TablePrefix"] + "Tasks");

        // Step calls wait until all tasks exist; the call that reaches a kill point is held until the host is dead,
        // so it is certainly in flight at that kill.
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reached = Enumerable.Range(0, Kills).Select(_ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var killed = Enumerable.Range(0, Kills).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var seen = 0;
        target.OnCall = async path =>
        {
            await created.Task;
            var k = Array.IndexOf(killAt, Interlocked.Increment(ref seen));
            if (k >= 0)
            {
                reached[k].TrySetResult(path);
                await killed[k].Task;
            }
        };

        var host = await LocalHostProcess.StartAsync(settings);
        var paths = new Dictionary<(string Task, int Step), string>();
        using (var client = Client(host.Url))
        {
            for (var t = 0; t < TaskCount; t++)
            {
                var steps = Enumerable.Range(0, StepCount).Select(j => TestApi.HttpStep($"s{j}", target.Url($"k{t}/s{j}"))).ToArray();
                var taskId = (await client.CreateTaskAsync(TestApi.Task($"kill {t}", steps)))["id"].Str();
                for (var j = 0; j < StepCount; j++)
                {
                    paths[(taskId, j)] = $"/k{t}/s{j}";
                }
            }
        }

        created.SetResult();

        // At each kill: the steps storage shows claimed and unfinished (in flight), read while no host runs.
        var inFlight = new HashSet<(string Task, int Step, int Attempt)>();
        var caught = new List<(string Task, int Step, int Attempt)>();
        try
        {
            for (var k = 0; k < Kills; k++)
            {
                var path = await reached[k].Task.WaitAsync(TimeSpan.FromSeconds(60));
                await host.KillAsync();
                await host.DisposeAsync();

                var started = await StartedStepsAsync(table);
                inFlight.UnionWith(started);
                var step = paths.Single(p => p.Value == path).Key;
                // The held call's step is claimed and unfinished: its answer never reached the host.
                var held = Assert.Single(started, s => (s.Task, s.Step) == step);
                caught.Add(held);
                output.WriteLine($"kill {k + 1} at call {killAt[k]} ({path}, attempt {held.Attempt}): {started.Count} steps in flight");
                killed[k].SetResult();

                host = await LocalHostProcess.StartAsync(settings);
            }

            using var again = Client(host.Url);
            foreach (var taskId in paths.Keys.Select(p => p.Task).Distinct())
            {
                await again.WaitForStatusAsync(taskId, "SUCCESSFUL", TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            foreach (var k in killed)
            {
                k.TrySetResult();
            }

            await host.DisposeAsync();
        }

        // None lost, none duplicated: exactly the 20 tasks, all succeeded.
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>("RowKey eq 'task'"))
        {
            rows.Add(row.GetString("Status"));
        }

        Assert.Equal(Enumerable.Repeat("Succeeded", TaskCount), rows);

        var attempts = await AttemptsAsync(table);
        var calls = target.CallLog;
        var twice = 0;
        foreach (var ((taskId, index), path) in paths)
        {
            var called = calls.Where(c => c.Path == path).Select(c => c.Attempt).ToList();
            var rowsOfStep = attempts.Where(a => a.Task == taskId && a.Step == index).ToList();
            var interrupted = inFlight.Where(f => f.Task == taskId && f.Step == index).Select(f => f.Attempt).ToHashSet();
            var where = $"{path} (calls for attempts [{string.Join(", ", called)}], rows [{string.Join(", ", rowsOfStep.Select(r => $"{r.Number}:{r.Outcome}"))}])";

            // No attempt's action ran twice.
            Assert.True(called.Count == called.Distinct().Count(), $"An attempt ran twice: {where}");
            // One completed attempt, whose action ran once.
            var completed = Assert.Single(rowsOfStep, r => r.Outcome == "Completed");
            Assert.Contains(completed.Number, called);
            // Every other attempt is one a kill caught in flight, recorded as interrupted. An attempt seen in flight at a
            // kill may also have completed: the killed host's last transaction was already on its way to Azurite when
            // the test read storage, and landed after (the step then ran once, as it should).
            var recordedInterrupted = rowsOfStep.Where(r => r.Outcome == "Started").Select(r => r.Number).ToHashSet();
            Assert.True(recordedInterrupted.IsSubsetOf(interrupted), $"An attempt recorded as interrupted that no kill caught: {where}");
            Assert.True(interrupted.All(a => recordedInterrupted.Contains(a) || a == completed.Number), $"An attempt caught in flight that neither completed nor was recorded as interrupted: {where}");
            Assert.True(called.Where(a => a != completed.Number).All(recordedInterrupted.Contains), $"A call of an attempt no kill caught: {where}");
            // So the step was called once, plus once for each interrupted attempt whose call had gone out.
            Assert.Equal(1 + called.Count(recordedInterrupted.Contains), called.Count);
            if (!interrupted.Any())
            {
                Assert.True(called.Count == 1, $"A step no kill caught was called {called.Count} times: {where}");
            }

            twice += called.Count > 1 ? 1 : 0;
        }

        // The calls held at each kill were in flight for sure: each of those steps ran again, exactly once more per kill.
        foreach (var (taskId, index, attempt) in caught)
        {
            var path = paths[(taskId, index)];
            Assert.Contains((path, attempt), calls);
            Assert.Contains(calls, c => c.Path == path && c.Attempt > attempt);
        }

        output.WriteLine($"{calls.Count} calls for {TaskCount * StepCount} steps; {twice} steps called more than once; {inFlight.Count} attempts in flight at the kills");
        Assert.InRange(twice, caught.Select(c => (c.Task, c.Step)).Distinct().Count(), inFlight.Count);
    }

    /// <summary>Steps claimed by a run and not finished, with the attempt that was running.</summary>
    private static async Task<List<(string Task, int Step, int Attempt)>> StartedStepsAsync(TableClient table)
    {
        var started = new List<(string, int, int)>();
        await foreach (var row in table.QueryAsync<TableEntity>("Kind eq 'step' and Status eq 'Started'"))
        {
            if (row.GetInt32("ActiveAttempt") is { } attempt)
            {
                started.Add((row.PartitionKey, row.GetInt32("Index") ?? -1, attempt));
            }
        }

        return started;
    }

    private static async Task<List<(string Task, int Step, int Number, string Outcome)>> AttemptsAsync(TableClient table)
    {
        var attempts = new List<(string, int, int, string)>();
        await foreach (var row in table.QueryAsync<TableEntity>("Kind eq 'attempt'"))
        {
            attempts.Add((row.PartitionKey, row.GetInt32("StepIndex") ?? -1, row.GetInt32("Number") ?? -1, row.GetString("Outcome")));
        }

        return attempts;
    }

    private static HttpClient Client(string url)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FuncTasksApp.OperatorKey);
        return client;
    }
}
