using Azure.Data.Tables;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>
/// 8. A `delay` step of 1 s on each runner: from the step's StartedAt to its CompletedAt (the host's own timestamps),
/// several tasks at once. Target: every sample between 1.0 s and 1.2 s (never early, at most 20% late).
/// </summary>
public static class DelayPrecision
{
    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        var tasks = context.Quick ? 5 : 20;
        foreach (var runner in context.RunnersToMeasure)
        {
            var label = runner.Short();
            await using var host = await context.StartHostAsync("delay", runner, cancellationToken: ct);
            var (warm, _) = await TasksClient.CreateAsync(host.Http, "warm-up", TasksClient.Delays(2), ct);
            await host.Raw.WaitForStatusAsync(warm, "Succeeded", TimeSpan.FromSeconds(120), ct, pollMs: 50);
            var ids = await TasksClient.CreateManyAsync(host.Http, tasks, 8, _ => [TasksClient.Delay("wait", 1)], ct);
            var seconds = new List<double>();
            foreach (var id in ids)
            {
                await host.Raw.WaitForStatusAsync(id, "Succeeded", TimeSpan.FromSeconds(120), ct, pollMs: 100);
                await foreach (var row in host.Raw.Table.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {id.ToString("D")} and RowKey ge {"step-"} and RowKey lt {"step-~"}"), cancellationToken: ct))
                {
                    seconds.Add((row.GetDateTimeOffset("CompletedAt")!.Value - row.GetDateTimeOffset("StartedAt")!.Value).TotalSeconds);
                }
            }

            var (min, p50, max) = (seconds.Min(), Stats.Percentile(seconds, 50), seconds.Max());
            var met = min >= 1.0 && max <= 1.2;
            BenchContext.Progress($"delay ({label}): 1 s step took {min:F3} / {p50:F3} / {max:F3} s (min / p50 / max)");
            result.Rows.Add(new Row($"{label}: 1 s delay step, started → completed p50", p50, 1.0, "s", "requested"));
            result.Rows.Add(new Row($"{label}: 1 s delay step, fastest / slowest of {seconds.Count}", min, max, "s", Compare: false));
            result.Targets.Add(new TargetCheck($"{label}: every 1 s delay step completes 1.0–1.2 s after it started (slowest)", max, "s", met));
            context.AddTarget($"{(runner == RunnerKind.Queue ? "Queue" : "Durable")} runner: a 1 s delay step finishes 1.0–1.2 s after it started", max, 1.0,
                $"every sample between 1.0 s and 1.2 s (ours = slowest of {seconds.Count}; fastest {min:F3} s, p50 {p50:F3} s)", met, "s", runner == RunnerKind.Queue ? 9 : 10);
            context.Figure("1 s delay step: started → completed, p50", runner.Label(), p50 * 1000, "ms");
        }

        result.Notes.Add($"{tasks} tasks with one `delay 1` step created at once per runner; duration = the step's CompletedAt − StartedAt (written by the host).");
    }
}
