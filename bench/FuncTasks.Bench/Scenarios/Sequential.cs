using Azure.Data.Tables;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>
/// 3. One task of 50 delay-0 steps (issue 17's shape; the most a task may have by default) on each runner: time per step,
/// from the steps' own completion times; against the raw storage floor and the DTFx peer's time per activity.
/// </summary>
public static class Sequential
{
    public const int Steps = DurablePeer.SequentialActivities;

    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        var runs = context.Quick ? 1 : 3;
        var measured = new Dictionary<RunnerKind, (List<double> PerStep, List<double> Totals)>();
        // The peer runs its orchestration of 50 right after each FuncTasks task of 50 (same minute, same load).
        var peer = await context.DtfxAsync(ct);
        var peerIntervals = new List<double>();
        foreach (var runner in context.RunnersToMeasure)
        {
            measured[runner] = await MeasureAsync(context, runner, runs, async () => peerIntervals.AddRange(await DurablePeer.SequentialAsync(peer, 1, ct)), ct);
        }

        context.Peer.SequentialActivities = Steps;
        context.Peer.SequentialMsPerActivity = Stats.Percentile(peerIntervals, 50);
        context.Results.Latencies.Add(Stats.Series("DTFx sequential activity", peerIntervals));

        var (perStep, totals) = measured[RunnerKind.Queue];
        var raw = await RawProbes.SequentialTransactionsAsync(context, context.Quick ? 100 : 400, ct);
        var writes = context.Results.Engine?.WritesPerStep ?? 2;
        var floor = Stats.Percentile(raw, 50) * writes;
        var p50 = Stats.Percentile(perStep, 50);
        result.Rows.Add(new Row("queue: time per step p50 vs raw floor (writes/step × tx p50)", p50, floor, "ms", $"{writes:F2} × {Stats.Percentile(raw, 50):F2} ms"));
        result.Rows.Add(new Row("queue: time per step p90", Stats.Percentile(perStep, 90), null, "ms"));
        result.Rows.Add(new Row("queue: time per step p99", Stats.Percentile(perStep, 99), null, "ms"));
        result.Rows.Add(new Row($"queue: whole task ÷ {Steps} steps", Stats.Median(totals), null, "ms"));
        result.Rows.Add(new Row("raw 2-entity transaction p50 (1 in flight)", null, Stats.Percentile(raw, 50), "ms"));
        result.Targets.Add(new TargetCheck("queue: p50 per step ≤ 15 ms", p50, "ms", p50 <= 15));
        result.Notes.Add($"{runs} task(s) of {Steps} steps per runner; per-step time = interval between consecutive steps' CompletedAt; after each FuncTasks task the DTFx peer ran one orchestration of {Steps} no-op activities ({context.RunnersToMeasure.Count * runs} in all; per-activity time = interval between consecutive activities).");
        context.Results.Latencies.Add(Stats.Series("sequential step (queue)", perStep));
        context.Results.Latencies.Add(Stats.Series("raw 2-entity transaction", raw));
        context.Figure("sequential: time per step p50", Runners.Queue, p50, "ms");

        var dtfx = context.Peer.SequentialMsPerActivity;
        context.Figure("sequential: time per step p50", Runners.Dtfx, dtfx, "ms");
        result.Rows.Add(new Row("queue: time per step p50 vs DTFx time per activity p50", p50, dtfx, "ms", "DTFx, extended sessions"));
        var queueRate = 1000 / p50;
        var dtfxRate = 1000 / dtfx;
        var fold = queueRate / dtfxRate;
        result.Targets.Add(new TargetCheck("queue: sequential rate ≥ 10 × DTFx's", fold, "×", fold >= 10));
        context.AddTarget("Queue runner, one task of 50 instant steps: sequential rate vs raw DTFx", queueRate, dtfxRate, "≥ 10× raw DTFx's sequential rate (steps/s ÷ activities/s, from the p50 time per step)", fold >= 10, "/s", 3);

        if (measured.TryGetValue(RunnerKind.Durable, out var durable))
        {
            var d50 = Stats.Percentile(durable.PerStep, 50);
            result.Rows.Add(new Row("Durable: time per step p50 vs DTFx time per activity p50", d50, dtfx, "ms", "DTFx, extended sessions"));
            if (context.Peer.NoSessions is { } plain)
            {
                result.Rows.Add(new Row("Durable: time per step p50 vs DTFx without extended sessions", d50, plain.SequentialMsPerActivity, "ms", "DTFx, no extended sessions"));
            }

            result.Rows.Add(new Row("Durable: time per step p90", Stats.Percentile(durable.PerStep, 90), null, "ms"));
            result.Rows.Add(new Row("Durable: time per step p99", Stats.Percentile(durable.PerStep, 99), null, "ms"));
            result.Rows.Add(new Row($"Durable: whole task ÷ {Steps} steps", Stats.Median(durable.Totals), null, "ms"));
            result.Targets.Add(new TargetCheck("Durable: p50 per step ≤ 1.0 × DTFx per activity", d50 / dtfx, "×", d50 <= dtfx));
            context.AddTarget("Durable runner, one task of 50 instant steps: time per step vs raw DTFx per activity", d50, dtfx, "≤ 1.0× DTFx per-activity time (p50)", d50 <= dtfx, "ms", 1);
            context.Results.Latencies.Add(Stats.Series("sequential step (Durable)", durable.PerStep));
            context.Figure("sequential: time per step p50", Runners.Durable, d50, "ms");
        }
    }

    private static async Task<(List<double> PerStep, List<double> Totals)> MeasureAsync(BenchContext context, RunnerKind runner, int runs, Func<Task> afterEachRun, CancellationToken ct)
    {
        await using var host = await context.StartHostAsync("seq", runner, cancellationToken: ct);
        // A host that has run a few hundred steps: the measured runs are steady-state code, not the JIT's first tiers
        // (the DTFx peer runs warm in the bench's own process).
        await TasksClient.WarmUpAsync(host, 4, Steps, ct);

        var perStep = new List<double>();
        var totals = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var (id, _) = await TasksClient.CreateAsync(host.Http, $"sequential-{r}", TasksClient.Delays(Steps), ct);
            await host.Raw.WaitForStatusAsync(id, "Succeeded", TimeSpan.FromMinutes(5), ct, pollMs: 50);
            var (steps, total) = await StepIntervalsAsync(host, id, ct);
            perStep.AddRange(steps);
            totals.Add(total / Steps);
            BenchContext.Progress($"sequential ({runner.Short()}): run {r + 1}/{runs}: {Stats.Percentile(steps, 50):F1} ms per step (p50), {totals[^1]:F1} ms whole ÷ {Steps}");
            await afterEachRun();
        }

        return (perStep, totals);
    }

    /// <summary>Intervals between consecutive steps' CompletedAt (ms), and first StartedAt → last CompletedAt.</summary>
    public static async Task<(List<double> Intervals, double Total)> StepIntervalsAsync(HostUnderTest host, Guid id, CancellationToken ct)
    {
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
        var intervals = new List<double>();
        for (var i = 1; i < times.Count; i++)
        {
            intervals.Add((times[i] - times[i - 1]).TotalMilliseconds);
        }

        return (intervals, (times[^1] - firstStart!.Value).TotalMilliseconds);
    }
}
