using ScottPlot;

namespace FuncTasks.Bench.Reporting;

/// <summary>PNG charts drawn from the results (the JSON), so they can be redrawn from latest.json alone.</summary>
public static class Charts
{
    public static IReadOnlyList<string> Write(BenchResults results, string folder)
    {
        var written = new List<string>();
        if (results.Throughput.Count > 0)
        {
            var path = Path.Combine(folder, "throughput.png");
            Throughput(results).SavePng(path, 900, 500);
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
        var plot = new Plot();
        var points = results.Throughput.OrderBy(p => p.Workers).ToList();
        var xs = points.Select(p => (double)p.Workers).ToArray();
        var ys = points.Select(p => p.StepsPerSecond).ToArray();
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = "FuncTasks steps/s (end to end)";
        line.LineWidth = 2;
        line.MarkerSize = 8;
        var target = plot.Add.HorizontalLine(100);
        target.LegendText = "target 100 steps/s";
        target.LinePattern = LinePattern.Dashed;
        var scenario = results.Scenarios.FirstOrDefault(s => s.Id == 2);
        var floor = scenario?.Rows.FirstOrDefault(r => r.Metric.StartsWith("0.5 × raw", StringComparison.Ordinal))?.Ours;
        if (floor is { } f)
        {
            var half = plot.Add.HorizontalLine(f);
            half.LegendText = $"0.5 × raw tx/s ÷ writes per step ({f:F0})";
            half.LinePattern = LinePattern.Dotted;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, xs.Select(x => x.ToString(Infrastructure.Inv.C)).ToArray());
        plot.Title("Step throughput vs queue workers (tasks × 10 delay-0 steps)");
        plot.XLabel("workers (FuncTasks:Runner:Workers)");
        plot.YLabel("steps per second");
        plot.Axes.SetLimitsY(0, Math.Max(ys.DefaultIfEmpty(0).Max(), floor ?? 0) * 1.2 + 10);
        plot.ShowLegend(Alignment.LowerRight);
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
