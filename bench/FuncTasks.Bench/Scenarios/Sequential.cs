using Azure.Data.Tables;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>
/// 3. One task of 99 delay-0 steps (the most one task can have: it is created with its steps in one entity-group
/// transaction, which Azure caps at 100 entities): time per step, from the steps' own completion times.
/// </summary>
public static class Sequential
{
    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        const int steps = 99;
        await using var host = await context.StartHostAsync("seq", new Dictionary<string, string> { ["FuncTasks:Engine:MaxSteps"] = "99" }, cancellationToken: ct);
        var (warm, _) = await TasksClient.CreateAsync(host.Http, "warm-up", TasksClient.Delays(10), ct);
        await host.Raw.WaitForStatusAsync(warm, "Succeeded", TimeSpan.FromSeconds(30), ct);

        var perStep = new List<double>();
        var totals = new List<double>();
        var runs = context.Quick ? 1 : 3;
        for (var r = 0; r < runs; r++)
        {
            var (id, _) = await TasksClient.CreateAsync(host.Http, $"sequential-{r}", TasksClient.Delays(steps), ct);
            await host.Raw.WaitForStatusAsync(id, "Succeeded", TimeSpan.FromMinutes(2), ct, pollMs: 50);
            var completed = new SortedDictionary<int, DateTimeOffset>();
            DateTimeOffset? firstStart = null;
            await foreach (var row in host.Raw.Table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {id.ToString("D")} and RowKey ge {"step-"} and RowKey lt {"step-~"}"), cancellationToken: ct))
            {
                var index = row.GetInt32("Index") ?? 0;
                completed[index] = row.GetDateTimeOffset("CompletedAt")!.Value;
                if (index == 0)
                {
                    firstStart = row.GetDateTimeOffset("StartedAt");
                }
            }

            var times = completed.Values.ToList();
            for (var i = 1; i < times.Count; i++)
            {
                perStep.Add((times[i] - times[i - 1]).TotalMilliseconds);
            }

            totals.Add((times[^1] - firstStart!.Value).TotalMilliseconds / steps);
            BenchContext.Progress($"sequential: run {r + 1}/{runs}: {totals[^1]:F1} ms per step");
        }

        var raw = await RawProbes.SequentialTransactionsAsync(context, context.Quick ? 100 : 400, ct);
        var writes = context.Results.Engine?.WritesPerStep ?? 2;
        var floor = Stats.Percentile(raw, 50) * writes;
        result.Rows.Add(new Row("time per step p50 vs raw floor (writes/step × tx p50)", Stats.Percentile(perStep, 50), floor, "ms", $"{writes:F2} × {Stats.Percentile(raw, 50):F2} ms"));
        result.Rows.Add(new Row("time per step p90", Stats.Percentile(perStep, 90), null, "ms"));
        result.Rows.Add(new Row("time per step p99", Stats.Percentile(perStep, 99), null, "ms"));
        result.Rows.Add(new Row($"whole task ÷ {steps} steps", Stats.Median(totals), null, "ms"));
        result.Rows.Add(new Row("raw 2-entity transaction p50 (1 in flight)", null, Stats.Percentile(raw, 50), "ms"));
        var p50 = Stats.Percentile(perStep, 50);
        result.Targets.Add(new TargetCheck("p50 per step ≤ 15 ms", p50, "ms", p50 <= 15));
        result.Notes.Add($"{runs} task(s) of {steps} steps; per-step time = interval between consecutive steps' CompletedAt.");
        context.Results.Latencies.Add(Stats.Series("sequential step", perStep));
        context.Results.Latencies.Add(Stats.Series("raw 2-entity transaction", raw));
    }
}
