using System.Net.Http.Json;
using System.Text.Json;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>7. The LocalHost's working set with N tasks running (long delay steps) vs the same host idle.</summary>
public static class Memory
{
    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        if (context.Options.Remote)
        {
            result.Notes.Add("skipped: the host is not a child of the bench (--url), its memory cannot be read.");
            return;
        }

        var tasks = context.Quick ? 200 : 1000;
        // One worker per task, so every task really is running (a queued task costs the host nothing).
        // Long steps: a longer visibility timeout and cancel check keep 1,000 leases from flooding Azurite with renewals.
        var settings = new Dictionary<string, string>
        {
            ["FuncTasks:Runner:Workers"] = tasks.ToString(Inv.C),
            ["FuncTasks:Runner:VisibilityTimeout"] = "00:05:00",
            ["FuncTasks:Runner:CancelCheckInterval"] = "00:01:00",
        };
        await using var host = await context.StartHostAsync("memory", settings, cancellationToken: ct);
        var warm = await TasksClient.CreateManyAsync(host.Http, 20, 8, _ => TasksClient.Delays(2), ct);
        foreach (var id in warm)
        {
            await host.Raw.WaitForStatusAsync(id, "Succeeded", TimeSpan.FromSeconds(60), ct);
        }

        await Task.Delay(3000, ct);
        var idle = await SampleAsync(host, ct);
        BenchContext.Progress($"memory: idle working set {idle / 1048576.0:F1} MiB; starting {tasks} long tasks");
        await TasksClient.CreateManyAsync(host.Http, tasks, 32, _ => [TasksClient.Delay("long", 3600)], ct);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        int running;
        while ((running = await StepsRunningAsync(host, ct)) < tasks && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, ct);
        }

        if (running < tasks * 0.9)
        {
            throw new TimeoutException($"Only {running}/{tasks} steps were running after 90 s.");
        }

        if (running < tasks)
        {
            context.Results.Errors.Add($"memory: only {running} of {tasks} long steps were running after 90 s (a queue worker lost?); measured per running step.");
        }

        await Task.Delay(3000, ct);
        var loaded = await SampleAsync(host, ct);
        var perTaskKiB = (loaded - idle) / 1024.0 / running;
        result.Rows.Add(new Row("working set idle (after warm-up)", idle / 1048576.0, null, "MiB"));
        result.Rows.Add(new Row($"working set with {running} tasks running", loaded / 1048576.0, null, "MiB"));
        result.Rows.Add(new Row("per running task", perTaskKiB, null, "KiB"));
        result.Targets.Add(new TargetCheck("≤ 100 KB per in-progress task", perTaskKiB * 1.024, "KB", perTaskKiB * 1.024 <= 100));
        result.Notes.Add($"{tasks} tasks with one `delay 3600` step, Workers = {tasks} so all are running at once, VisibilityTimeout 5 min, CancelCheckInterval 1 min (healthz stepsRunning = {running}); working set = VmRSS, median of 5 samples.");
    }

    private static async Task<int> StepsRunningAsync(HostUnderTest host, CancellationToken ct)
    {
        using var health = await host.Http.GetFromJsonAsync<JsonDocument>("/healthz", ct);
        return health!.RootElement.GetProperty("stepsRunning").GetInt32();
    }

    private static async Task<double> SampleAsync(HostUnderTest host, CancellationToken ct)
    {
        var samples = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            samples.Add(host.WorkingSetBytes() ?? double.NaN);
            await Task.Delay(400, ct);
        }

        return Stats.Median(samples);
    }
}
