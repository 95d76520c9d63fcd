using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>7. The LocalHost's working set with N tasks running (long delay steps) vs the same host idle, on each runner.</summary>
public static class Memory
{
    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        if (context.Options.Remote)
        {
            result.Notes.Add("skipped: the host is not a child of the bench (--url), its memory cannot be read.");
            return;
        }

        foreach (var runner in context.RunnersToMeasure)
        {
            await MeasureAsync(context, result, runner, ct);
        }
    }

    private static async Task MeasureAsync(BenchContext context, ScenarioResult result, RunnerKind runner, CancellationToken ct)
    {
        var durable = runner == RunnerKind.Durable;
        var label = runner.Short();
        // The Durable runner starts ~20 orchestrations a second here: fewer tasks, same measure (per running task).
        var tasks = durable ? (context.Quick ? 100 : 400) : context.Quick ? 200 : 1000;
        // Queue runner: one worker per task, so every task really is running (a queued task costs the host nothing).
        // Long steps: a longer visibility timeout and cancel check keep 1,000 leases from flooding Azurite with renewals.
        var settings = new Dictionary<string, string>
        {
            ["FuncTasks:Runner:Workers"] = tasks.ToString(Inv.C),
            ["FuncTasks:Runner:VisibilityTimeout"] = "00:05:00",
            ["FuncTasks:Runner:CancelCheckInterval"] = "00:01:00",
        };
        await using var host = await context.StartHostAsync("memory", runner, settings, cancellationToken: ct);
        // The warm-up takes the path the measured tasks take, often enough for the runtime to compile it (tiered JIT); otherwise
        // that one-time code counts as per-task memory. Queue: a delay step of 0 s runs the same worker code as one of an hour
        // (claim, the action's wait, its write). Durable: a delay step of 0 s completes at once, while a long one is claimed,
        // reported and waited on a durable timer (~10 MB of executable memory compiled on first use), so its warm-up also runs
        // delay steps longer than DelayInActivity.
        var warm = await TasksClient.CreateManyAsync(host.Http, 20, 8, _ => TasksClient.Delays(2), ct);
        if (durable)
        {
            warm = [.. warm, .. await TasksClient.CreateManyAsync(host.Http, WarmDelayTasks, 16, _ => [TasksClient.Delay("warm", WarmDelaySeconds)], ct)];
        }

        // A generous wait: on a shared machine (load 37 in one full run) 20 warm-up tasks took over two minutes.
        foreach (var id in warm)
        {
            await host.Raw.WaitForStatusAsync(id, "Succeeded", TimeSpan.FromSeconds(300), ct, pollMs: 100);
        }

        await Task.Delay(3000, ct);
        var idle = await SampleAsync(host, ct);
        BenchContext.Progress($"memory ({label}): idle working set {idle / 1048576.0:F1} MiB; starting {tasks} long tasks");
        await TasksClient.CreateManyAsync(host.Http, tasks, 32, _ => [TasksClient.Delay("long", 3600)], ct);
        var wait = TimeSpan.FromSeconds(durable ? 240 : 90);
        var deadline = DateTime.UtcNow + wait;
        int running;
        while ((running = await StepsRunningAsync(host, durable, ct)) < tasks && DateTime.UtcNow < deadline)
        {
            await Task.Delay(durable ? 1000 : 250, ct);
        }

        if (running < tasks * 0.9)
        {
            throw new TimeoutException($"{label}: only {running}/{tasks} steps were running after {wait.TotalSeconds:F0} s.");
        }

        if (running < tasks)
        {
            // Not an error: the figure is per running step (at least 90% of them, checked above).
            result.Notes.Add($"memory ({label}): only {running} of {tasks} long steps were running after {wait.TotalSeconds:F0} s; measured per running step.");
        }

        await Task.Delay(3000, ct);
        var loaded = await SampleAsync(host, ct);
        var perTaskKiB = (loaded - idle) / 1024.0 / running;
        var kb = perTaskKiB * 1.024;
        result.Rows.Add(new Row($"{label}: working set idle (after warm-up)", idle / 1048576.0, null, "MiB"));
        result.Rows.Add(new Row($"{label}: working set with {running} tasks running", loaded / 1048576.0, null, "MiB"));
        result.Rows.Add(new Row($"{label}: per running task", perTaskKiB, null, "KiB"));
        // A negative figure means the runtime gave memory back while the tasks started: the run measured nothing, not a success.
        var measured = kb >= 0;
        if (!measured)
        {
            result.Notes.Add($"memory ({label}): the working set shrank while {running} tasks started ({kb:F1} KB per task): the garbage collector returned memory, so this run has no figure.");
        }

        result.Targets.Add(new TargetCheck($"{label}: ≤ 100 KB per in-progress task", kb, "KB", measured && kb <= 100));
        context.AddTarget($"{(durable ? "Durable" : "Queue")} runner: memory per running task", kb, 50, "≤ 50 KB per running task (reference = the 50 KB bound)", measured && kb <= 50, "KB", durable ? 12 : 11);
        result.Notes.Add(durable
            ? $"Durable: warm-up 20 tasks × 2 instant steps and {WarmDelayTasks} × one `delay {WarmDelaySeconds}` step; {tasks} tasks with one `delay 3600` step (each a started step and a durable timer; running = step rows Started in the table = {running}), CancelCheckInterval 1 min; working set = VmRSS once settled (median of the last 6 samples 500 ms apart, within 1 MiB, at most 30 s)."
            : $"queue: warm-up 20 tasks × 2 instant steps; {tasks} tasks with one `delay 3600` step, Workers = {tasks} so all are running at once, VisibilityTimeout 5 min, CancelCheckInterval 1 min (healthz stepsRunning = {running}); working set = VmRSS once settled (median of the last 6 samples 500 ms apart, within 1 MiB, at most 30 s).");
    }

    /// <summary>Warm-up tasks with one delay step, long enough for the Durable runner's durable timer (above its 4 s DelayInActivity).</summary>
    private const int WarmDelayTasks = 60;

    private const int WarmDelaySeconds = 6;

    private static async Task<int> StepsRunningAsync(HostUnderTest host, bool durable, CancellationToken ct)
    {
        if (durable)
        {
            // A Durable delay step runs as a durable timer, not in the host's memory: count the started steps instead.
            return await host.Raw.CountAsync(TableClient.CreateQueryFilter($"RowKey ge {"step-"} and RowKey lt {"step-~"} and Status eq {"Started"}"), ct);
        }

        using var health = await host.Http.GetFromJsonAsync<JsonDocument>("/healthz", ct);
        return health!.RootElement.GetProperty("stepsRunning").GetInt32();
    }

    /// <summary>
    /// VmRSS once it has settled: sampled every 500 ms until the last 6 samples lie within 1 MiB (at most 30 s), their median.
    /// After a burst (the warm-up, the 400 or 1,000 starts) the GC gives memory back over seconds: a sample taken in that
    /// window swings by tens of MiB either way (in one run the Durable host's loaded sample was 3 MiB below its idle one).
    /// </summary>
    private static async Task<double> SampleAsync(HostUnderTest host, CancellationToken ct)
    {
        const int window = 6;
        var samples = new List<double>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            samples.Add(host.WorkingSetBytes() ?? double.NaN);
            var last = samples.TakeLast(window).ToList();
            if (last.Count == window && (last.Max() - last.Min() <= 1048576 || DateTime.UtcNow > deadline))
            {
                return Stats.Median(last);
            }

            await Task.Delay(500, ct);
        }
    }
}
