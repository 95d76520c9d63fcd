using System.Diagnostics;
using Azure.Data.Tables;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>5. GET /v1/tasks first page and a deep page at a small and a large table, with the host's memory.</summary>
public static class Listing
{
    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        var (small, large) = context.Quick ? (200, 2000) : (1000, 20000);
        const int pageSize = 20;
        var deepPage = (int)(0.9 * small / pageSize);
        // The runner is off: the tasks stay in progress and only the listing is measured.
        var queue = $"bench-list-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string> { ["FuncTasks:Runner:Enabled"] = "false", ["FuncTasks:Storage:QueueName"] = queue };
        var host = await context.StartHostAsync("list", settings, cancellationToken: ct);
        // The next host lists the same tables: they are deleted once, at the end.
        host.KeepStorage = true;
        settings["FuncTasks:Storage:TablePrefix"] = host.Prefix;
        var repeats = context.Quick ? 20 : 60;
        var figures = new Dictionary<int, Figures>();
        var created = 0;
        foreach (var size in new[] { small, large })
        {
            var clock = Stopwatch.GetTimestamp();
            var toCreate = size - created;
            await TasksClient.CreateManyAsync(host.Http, toCreate, 32, _ => TasksClient.Delays(1), ct, done =>
            {
                if (done % 2000 == 0)
                {
                    BenchContext.Progress($"listing: created {created + done}/{size} tasks");
                }
            });
            created = size;
            BenchContext.Progress($"listing: {size} tasks stored ({toCreate / Stopwatch.GetElapsedTime(clock).TotalSeconds:F0} creates/s); measuring pages");
            // A fresh host on the same table lists it, so its memory reflects the listing, not the creating.
            await host.DisposeAsync();
            host = await context.StartHostAsync("list", settings, cancellationToken: ct);
            host.KeepStorage = true;
            figures[size] = await MeasureAsync(host, size, pageSize, deepPage, repeats, ct);
        }

        await host.DisposeAsync();
        if (!context.Options.Remote)
        {
            // Tens of thousands of rows and queued messages slow every later Azurite call down: drop them.
            await context.DeleteStorageAsync(host.Prefix, queue);
        }

        var (s, l) = (figures[small], figures[large]);
        result.Rows.Add(new Row($"first page p50 at {small} vs raw first-page query", s.First, s.RawFirst, "ms", "QueryAsync top 20"));
        result.Rows.Add(new Row($"first page p50 at {large} vs raw first-page query", l.First, l.RawFirst, "ms", "QueryAsync top 20"));
        result.Rows.Add(new Row($"page {deepPage} p50 at {small}", s.Deep, null, "ms"));
        result.Rows.Add(new Row($"page {deepPage} p50 at {large}", l.Deep, null, "ms"));
        result.Rows.Add(new Row($"raw count scan (PartitionKey only, what a page without the maintained count pays) at {small} / {large}", s.RawCount, l.RawCount, "ms", Compare: false));
        result.Rows.Add(new Row($"host working set after listing at {small} / {large}", s.WorkingSetMiB, l.WorkingSetMiB, "MiB", Compare: false));
        result.Rows.Add(new Row($"totalElements at {small} / {large}", s.Total, l.Total, "tasks", Compare: false));
        result.Rows.Add(new Row($"raw first-page query at {small} / {large} (Azurite's own growth)", s.RawFirst, l.RawFirst, "ms", Compare: false));
        result.Rows.Add(new Row($"raw point read of one task row at {large} vs first page at {small} (the floor of a page read from task rows)", l.RawPoint, s.First, "ms", $"first page @{small}"));
        result.Rows.Add(new Row($"raw point read of one task row at {small} / {large}", s.RawPoint, l.RawPoint, "ms", Compare: false));
        var firstRatio = l.First / s.First;
        var deepRatio = l.Deep / s.Deep;
        result.Targets.Add(new TargetCheck($"first page at {large} ≤ 1.5 × at {small}", firstRatio, "×", firstRatio <= 1.5));
        context.AddTarget($"First page at {large:N0} tasks vs at {small:N0}", l.First, s.First, $"≤ 1.5× the first page at {small:N0} (p50)", firstRatio <= 1.5, "ms", 6);
        result.Targets.Add(new TargetCheck($"page {deepPage} at {large} ≤ 1.5 × at {small}", deepRatio, "×", deepRatio <= 1.5));
        if (s.WorkingSetMiB is { } ws1 && l.WorkingSetMiB is { } ws2)
        {
            result.Targets.Add(new TargetCheck($"host memory flat (working set at {large} ≤ 1.2 × at {small})", ws2 / ws1, "×", ws2 / ws1 <= 1.2));
        }

        if (s.Total != small || l.Total != large)
        {
            context.Results.Errors.Add($"listing: totalElements {s.Total}/{l.Total}, expected {small}/{large}");
        }

        result.Notes.Add($"pageSize {pageSize}, newest first, {repeats} requests per figure; tasks created through POST /v1/tasks with the runner off; each size is listed by a freshly started host on the same table (working set after its listings).");
        context.Results.Latencies.Add(Stats.Series($"list first page @{large}", l.FirstAll));
        context.Results.Latencies.Add(Stats.Series($"raw first-page query @{large}", l.RawFirstAll));
    }

    private sealed record Figures(double First, double Deep, double RawFirst, double RawCount, double RawPoint, double? WorkingSetMiB, int Total, List<double> FirstAll, List<double> RawFirstAll);

    private static async Task<Figures> MeasureAsync(HostUnderTest host, int size, int pageSize, int deepPage, int repeats, CancellationToken ct)
    {
        var total = 0;
        string? newest = null;
        async Task<double> Page(int number)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await host.Http.GetAsync($"/v1/tasks?pageSize={pageSize}&pageNumber={number}", ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            using var doc = System.Text.Json.JsonDocument.Parse(bytes);
            total = doc.RootElement.GetProperty("pageMetadata").GetProperty("totalElements").GetInt32();
            newest ??= doc.RootElement.GetProperty("elements")[0].GetProperty("id").GetString();
            return ms;
        }

        async Task<double> RawFirst()
        {
            var start = Stopwatch.GetTimestamp();
            await foreach (var _ in host.Raw.Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"task"}"), pageSize, cancellationToken: ct).AsPages(pageSizeHint: pageSize))
            {
                break;
            }

            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        for (var i = 0; i < 3; i++)
        {
            await Page(1);
            await Page(deepPage);
            await RawFirst();
        }

        // One point read of one task row: the least any page built from the task rows (which hold its status and
        // progress) costs. Azurite looks a point read up by RowKey first, and every task row's RowKey is "task".
        async Task<double> RawPoint()
        {
            var start = Stopwatch.GetTimestamp();
            await host.Raw.Table.GetEntityAsync<TableEntity>(newest!, "task", cancellationToken: ct);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        List<double> first = [], deep = [], raw = [], point = [];
        for (var i = 0; i < repeats; i++)
        {
            first.Add(await Page(1));
            deep.Add(await Page(deepPage));
            raw.Add(await RawFirst());
            point.Add(await RawPoint());
        }

        var counts = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            counts.Add(await Stats.TimeAsync(() => host.Raw.CountAsync(TableClient.CreateQueryFilter($"RowKey eq {"task"}"), ct)));
        }

        var ws = host.WorkingSetBytes() is { } b ? b / 1048576.0 : (double?)null;
        BenchContext.Progress($"listing @{size}: first {Stats.Median(first):F1} ms, page {deepPage} {Stats.Median(deep):F1} ms, raw {Stats.Median(raw):F1} ms, count scan {Stats.Median(counts):F1} ms");
        return new Figures(Stats.Median(first), Stats.Median(deep), Stats.Median(raw), Stats.Median(counts), Stats.Median(point), ws, total, first, raw);
    }
}
