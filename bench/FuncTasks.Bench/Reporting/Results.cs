namespace FuncTasks.Bench.Reporting;

/// <summary>Everything one run measured; written to bench/results/latest.json and rendered from it.</summary>
public sealed class BenchResults
{
    public string Mode { get; set; } = "quick";
    public DateTimeOffset StartedAt { get; set; }
    public double DurationSeconds { get; set; }
    public MachineInfo Machine { get; set; } = new();
    public EngineCosts? Engine { get; set; }
    public List<ScenarioResult> Scenarios { get; set; } = [];
    public List<ThroughputPoint> Throughput { get; set; } = [];
    public List<LatencySeries> Latencies { get; set; } = [];
    public List<string> Errors { get; set; } = [];
}

public sealed class MachineInfo
{
    public int Nproc { get; set; }
    public double MemoryGiB { get; set; }
    public string Cpu { get; set; } = string.Empty;
    public string Os { get; set; } = string.Empty;
    public string Runtime { get; set; } = string.Empty;
    public string LoadBefore { get; set; } = string.Empty;
    public string LoadAfter { get; set; } = string.Empty;
    public string Commit { get; set; } = string.Empty;
}

/// <summary>Storage round trips of the engine, counted by a proxy in front of Azurite's table endpoint.</summary>
public sealed class EngineCosts
{
    public int Steps { get; set; }
    public long Batches { get; set; }
    public long Queries { get; set; }
    public long PointReads { get; set; }
    public double WritesPerStep { get; set; }
    public double ReadsPerStep { get; set; }
}

public sealed class ScenarioResult
{
    public int Id { get; set; }
    public string Title { get; set; } = string.Empty;
    public List<Row> Rows { get; set; } = [];
    public List<TargetCheck> Targets { get; set; } = [];
    public List<string> Notes { get; set; } = [];
    public string? Error { get; set; }
    public double Seconds { get; set; }
}

/// <summary>
/// One measured figure, ours next to the raw storage path measured in the same run; with <see cref="Compare"/> false,
/// two figures of ours side by side (e.g. at 1,000 and at 20,000 tasks), shown as "a / b" without a ratio.
/// </summary>
public sealed record Row(string Metric, double? Ours, double? Raw, string Unit, string? RawLabel = null, bool Compare = true)
{
    public double? Ratio => Compare && Ours is { } o && Raw is { } r && r > 0 ? o / r : null;

    public string OursText => Compare || Raw is null ? (Ours is null ? "" : Report.Number(Ours, Unit)) : $"{Report.Number(Ours, Unit)} / {Report.Number(Raw, Unit)}";

    public string RawText => !Compare || Raw is null ? "" : Report.Number(Raw, Unit) + (RawLabel is null ? "" : $" ({RawLabel})");
}

public sealed record TargetCheck(string Target, double Value, string Unit, bool Met);

public sealed record ThroughputPoint(int Workers, double StepsPerSecond, int Tasks, int Steps, double Seconds);

public sealed record LatencySeries(string Name, int Count, double P50, double P90, double P99, double Max);
