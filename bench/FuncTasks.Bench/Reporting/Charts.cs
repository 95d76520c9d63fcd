using ScottPlot;

namespace FuncTasks.Bench.Reporting;

/// <summary>PNG charts drawn from the results (the JSON), so they can be redrawn from latest.json alone.</summary>
public static class Charts
{
    private static readonly int[] RateTicks = [1, 3, 10, 30, 100, 300, 1000, 3000];

    public static IReadOnlyList<string> Write(BenchResults results, string folder)
    {
        var written = new List<string>();
        if (results.Throughput.Count > 0)
        {
            var path = Path.Combine(folder, "throughput.png");
            Throughput(results).SavePng(path, 900, 500);
            written.Add(path);
        }

        if (results.Runners.Count > 0)
        {
            var path = Path.Combine(folder, "runners.png");
            RunnersChart(results).SavePng(path, 1100, 550);
            written.Add(path);
        }

        if (results.Latencies.Count > 0)
        {
            var path = Path.Combine(folder, "latency.png");
            Latency(results).SavePng(path, 1300, 600);
            written.Add(path);
        }

        return written;
    }

    private static Plot Throughput(BenchResults results)
    {
        // Log scale: the queue runner's hundreds of steps/s and the Durable runner's tens on one chart.
        static double Log(double v) => Math.Log10(Math.Max(v, 0.1));
        var plot = new Plot();
        var queue = results.Throughput.Where(p => p.Runner == "queue" && p.Tasks > 0 && p.Steps == p.Tasks * 10).OrderBy(p => p.Workers).ToList();
        var durable = results.Throughput.Where(p => p.Runner == "durable").OrderBy(p => p.Workers).ToList();
        var all = new List<double>();
        if (queue.Count > 0)
        {
            var line = plot.Add.Scatter(queue.Select(p => (double)p.Workers).ToArray(), queue.Select(p => Log(p.StepsPerSecond)).ToArray());
            line.LegendText = $"{Runners.Queue}: steps/s vs workers ({queue[0].Tasks} tasks × 10 steps)";
            line.LineWidth = 2;
            line.MarkerSize = 8;
            all.AddRange(queue.Select(p => p.StepsPerSecond));
        }

        if (durable.Count > 0)
        {
            var d = durable[0];
            var line = plot.Add.Scatter(durable.Select(p => (double)p.Workers).ToArray(), durable.Select(p => Log(p.StepsPerSecond)).ToArray());
            line.LegendText = $"{Runners.Durable}: steps/s vs MaxConcurrentWorkItems ({d.Tasks} tasks × {d.Steps / Math.Max(d.Tasks, 1)} steps)";
            line.LineWidth = 2;
            line.MarkerSize = 8;
            all.AddRange(durable.Select(p => p.StepsPerSecond));
        }

        if (results.Peer is { } peer)
        {
            var dtfx = plot.Add.HorizontalLine(Log(peer.ActivitiesPerSecond));
            dtfx.LegendText = $"{Runners.Dtfx} (extended sessions): {peer.ActivitiesPerSecond:F0} activities/s ({peer.ThroughputOrchestrations} × {peer.ThroughputActivities})";
            dtfx.Color = Colors.Black;
            all.Add(peer.ActivitiesPerSecond);
            if (peer.NoSessions is { ActivitiesPerSecond: > 0 } plain)
            {
                var line = plot.Add.HorizontalLine(Log(plain.ActivitiesPerSecond));
                line.LegendText = $"{Runners.Dtfx} without extended sessions: {plain.ActivitiesPerSecond:F0} activities/s";
                line.Color = Colors.Gray;
                line.LinePattern = LinePattern.DenselyDashed;
            }
        }

        var target = plot.Add.HorizontalLine(Log(100));
        target.LegendText = "target 100 steps/s (queue)";
        target.LinePattern = LinePattern.Dashed;
        var scenario = results.Scenarios.FirstOrDefault(s => s.Id == 2);
        var floor = scenario?.Rows.FirstOrDefault(r => r.Metric.StartsWith("0.5 × raw", StringComparison.Ordinal))?.Ours;
        if (floor is { } f)
        {
            var half = plot.Add.HorizontalLine(Log(f));
            half.LegendText = $"0.5 × raw tx/s ÷ writes per step ({f:F0}, queue)";
            half.LinePattern = LinePattern.Dotted;
            all.Add(f);
        }

        var xs = queue.Concat(durable).Select(p => (double)p.Workers).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, xs.Select(x => x.ToString(Infrastructure.Inv.C)).ToArray());
        var yTicks = RateTicks.Select(v => new Tick(Math.Log10(v), v.ToString(Infrastructure.Inv.C))).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(yTicks);
        plot.Title("Step throughput: FuncTasks queue and Durable runners vs the DTFx peer (same run)");
        plot.XLabel("queue workers (FuncTasks:Runner:Workers) / Durable MaxConcurrentWorkItems");
        plot.YLabel("steps (activities) per second, log scale");
        // Headroom above the data for the legend (the Durable points sit low on the right).
        plot.Axes.SetLimitsY(Log(Math.Max(1, all.DefaultIfEmpty(10).Min() / 2)), Log(Math.Max(10, all.DefaultIfEmpty(100).Max()) * 8));
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>The same measures for the queue runner, the Durable runner and the DTFx peer: grouped bars, ms, log scale.</summary>
    private static Plot RunnersChart(BenchResults results)
    {
        var plot = new Plot();
        var runners = new (string Name, Color Color)[]
        {
            (Runners.Queue, Colors.SteelBlue),
            (Runners.Durable, Colors.Orange),
            (Runners.Dtfx, Colors.DimGray),
        };
        var groups = Report.SideBySide(results);
        var bars = new List<Bar>();
        var max = 10.0;
        for (var i = 0; i < groups.Count; i++)
        {
            for (var j = 0; j < runners.Length; j++)
            {
                if (!groups[i].Values.TryGetValue(runners[j].Name, out var value) || double.IsNaN(value))
                {
                    continue;
                }

                max = Math.Max(max, value);
                bars.Add(new Bar
                {
                    Position = i * 4 + j,
                    Value = Math.Log10(Math.Max(value, 0.1)),
                    ValueBase = -1,
                    FillColor = runners[j].Color,
                    Label = value.ToString(value >= 100 ? "F0" : "F1", Infrastructure.Inv.C),
                });
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 10;
        plot.Legend.ManualItems.AddRange(runners.Select(r => new LegendItem { LabelText = r.Name, FillColor = r.Color }));
        plot.ShowLegend(Alignment.UpperLeft);
        var ticks = groups.Select((g, i) => new Tick(i * 4 + 1, g.Measure.Replace(": ", ":\n", StringComparison.Ordinal))).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        var yTicks = new[] { 0.1, 1, 10, 100, 1000, 10000 }.Select(v => new Tick(Math.Log10(v), v.ToString(Infrastructure.Inv.C) + " ms")).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(yTicks);
        plot.Axes.SetLimitsY(-1, Math.Log10(max) + 0.5);
        plot.Title("FuncTasks (queue, Durable) and raw DTFx side by side, same run (ms, log scale, lower is better)");
        plot.Layout.Fixed(new PixelPadding(70, 30, 90, 40));
        return plot;
    }

    private static Plot Latency(BenchResults results)
    {
        var plot = new Plot();
        var series = results.Latencies.Where(s => s.Count > 0 && !double.IsNaN(s.P50)).ToList();
        var percentiles = new (string Name, Func<LatencySeries, double> Value, Color Color)[]
        {
            ("p50", s => s.P50, Colors.SteelBlue),
            ("p90", s => s.P90, Colors.Orange),
            ("p99", s => s.P99, Color.FromHex("#B22222")),
        };
        var bars = new List<Bar>();
        for (var i = 0; i < series.Count; i++)
        {
            for (var j = 0; j < percentiles.Length; j++)
            {
                var value = percentiles[j].Value(series[i]);
                bars.Add(new Bar
                {
                    Position = i * 4 + j,
                    Value = Math.Log10(Math.Max(value, 0.1)),
                    ValueBase = -1,
                    FillColor = percentiles[j].Color,
                    Label = value.ToString(value >= 100 ? "F0" : "F1", Infrastructure.Inv.C),
                });
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 9;
        plot.Legend.ManualItems.AddRange(percentiles.Select(p => new LegendItem { LabelText = p.Name, FillColor = p.Color }));
        plot.ShowLegend(Alignment.UpperLeft);
        var ticks = series.Select((s, i) => new Tick(i * 4 + 1, s.Name.Replace(" (", "\n(", StringComparison.Ordinal))).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperLeft;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 10;
        var yTicks = new[] { 0.1, 1, 10, 100, 1000, 10000 }.Select(v => new Tick(Math.Log10(v), v.ToString(Infrastructure.Inv.C) + " ms")).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(yTicks);
        plot.Axes.SetLimitsY(-1, Math.Log10(Math.Max(10, series.Select(s => s.P99).DefaultIfEmpty(10).Max())) + 0.4);
        plot.Title("Latency percentiles (log scale): FuncTasks paths and the raw storage paths, same run");
        plot.Layout.Fixed(new PixelPadding(70, 110, 150, 40));
        return plot;
    }
}
