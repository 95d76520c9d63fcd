using System.Diagnostics;
using Azure.Data.Tables;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>1. GET /v1/tasks/{id} vs a raw point read of the same task row, interleaved in one loop.</summary>
public static class ReadOverhead
{
    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        await using var host = await context.StartHostAsync("read", cancellationToken: ct);
        var (id, _) = await TasksClient.CreateAsync(host.Http, "read-me", TasksClient.Delays(3), ct);
        await host.Raw.WaitForStatusAsync(id, "Succeeded", TimeSpan.FromSeconds(30), ct);
        var pk = id.ToString("D");
        var path = $"/v1/tasks/{id}";
        var partitionFilter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"step-"}");

        async Task<double> Ours()
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await host.Http.GetAsync(path, ct);
            await response.Content.ReadAsByteArrayAsync(ct);
            response.EnsureSuccessStatusCode();
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        async Task<double> Raw()
        {
            var start = Stopwatch.GetTimestamp();
            await host.Raw.Table.GetEntityAsync<TableEntity>(pk, "task", cancellationToken: ct);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        async Task<double> RawPartition()
        {
            var start = Stopwatch.GetTimestamp();
            await foreach (var _ in host.Raw.Table.QueryAsync<TableEntity>(partitionFilter, cancellationToken: ct))
            {
            }

            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        async Task<double> Hop()
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await host.Http.GetAsync("/healthz", ct);
            await response.Content.ReadAsByteArrayAsync(ct);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        for (var i = 0; i < 50; i++)
        {
            await Hop();
            await Ours();
            await Raw();
            await RawPartition();
        }

        var n = context.Quick ? 200 : 2000;
        List<double> ours = [], raw = [], partition = [], hop = [];
        for (var i = 0; i < n; i++)
        {
            // Alternate the order so neither path always runs on a warmer cache.
            if (i % 2 == 0)
            {
                ours.Add(await Ours());
                raw.Add(await Raw());
            }
            else
            {
                raw.Add(await Raw());
                ours.Add(await Ours());
            }

            partition.Add(await RawPartition());
            hop.Add(await Hop());
            if ((i + 1) % 500 == 0)
            {
                BenchContext.Progress($"read overhead: {i + 1}/{n} pairs");
            }
        }

        foreach (var p in new[] { 50, 90, 99 })
        {
            result.Rows.Add(new Row($"GET task p{p} vs raw point read", Stats.Percentile(ours, p), Stats.Percentile(raw, p), "ms", "GetEntityAsync"));
        }

        result.Rows.Add(new Row("GET task p50 vs raw partition query (task + 3 steps)", Stats.Percentile(ours, 50), Stats.Percentile(partition, 50), "ms", "QueryAsync(partition)"));
        // Since ADR 0006 a GET is one point read: its floor is that read plus an HTTP round trip that does no storage.
        var floor = Stats.Percentile(raw, 50) + Stats.Percentile(hop, 50);
        result.Rows.Add(new Row("HTTP round trip to the host without storage (GET /healthz) p50", Stats.Percentile(hop, 50), null, "ms"));
        result.Rows.Add(new Row("GET task p50 vs floor: raw point read + that HTTP round trip", Stats.Percentile(ours, 50), floor, "ms", "point read + hop"));
        result.Rows.Add(new Row("floor (raw point read + HTTP round trip) p50 vs raw point read", floor, Stats.Percentile(raw, 50), "ms", "the best a GET through the host can do"));
        var ratio = Stats.Percentile(ours, 50) / Stats.Percentile(raw, 50);
        result.Targets.Add(new TargetCheck("p50 ratio GET / raw point read ≤ 1.2", ratio, "×", ratio <= 1.2));
        context.AddTarget("GET /v1/tasks/{id} p50 vs a raw point read", Stats.Percentile(ours, 50), Stats.Percentile(raw, 50), "≤ 1.2× a raw point read (p50)", ratio <= 1.2, "ms", 5);
        result.Notes.Add($"{n} interleaved pairs on a task with 3 steps; the GET returns the task and its subTasks. The GET is two loopback HTTP hops (bench → LocalHost → Azurite), the raw read one.");
        context.Results.Latencies.Add(Stats.Series("GET /v1/tasks/{id}", ours));
        context.Results.Latencies.Add(Stats.Series("raw point read", raw));
        context.Results.Latencies.Add(Stats.Series("raw partition query", partition));
    }
}
