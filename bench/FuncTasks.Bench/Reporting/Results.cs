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

    /// <summary>The raw Durable Task Framework measured in the same run (issue 17), with its settings.</summary>
    public PeerResults? Peer { get; set; }

    /// <summary>Issue 17's targets, one entry each (both runners where a target names both): ours against its reference.</summary>
    public List<TargetEntry> Targets { get; set; } = [];

    /// <summary>The same measure for FuncTasks' queue runner, its Durable runner and the DTFx peer, side by side (lower is better).</summary>
    public List<RunnerFigure> Runners { get; set; } = [];
}

/// <summary>What the DTFx peer measured; <see cref="NoSessions"/>: the same shapes without extended sessions (full runs).</summary>
public sealed class PeerResults
{
    public string Settings { get; set; } = string.Empty;
    public int SequentialActivities { get; set; }
    public double SequentialMsPerActivity { get; set; }
    public double SequentialWholeMsPerActivity { get; set; }
    public int ThroughputOrchestrations { get; set; }
    public int ThroughputActivities { get; set; }
    public double ActivitiesPerSecond { get; set; }
    public double ResumeP50Ms { get; set; }
    public double ResumeP99Ms { get; set; }
    public int ResumeSamples { get; set; }
    public double WarmUpSeconds { get; set; }
    public PeerResults? NoSessions { get; set; }
}

public sealed record TargetEntry(string Name, double? Ours, double? Reference, double? Ratio, string Goal, bool Met, string Unit)
{
    /// <summary>The target's place in issue 17's list (the report keeps that order).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Order { get; init; }
}

public sealed record RunnerFigure(string Measure, string Runner, double Value, string Unit);

public static class Runners
{
    public const string Queue = "FuncTasks queue";
    public const string Durable = "FuncTasks Durable";
    public const string Dtfx = "DTFx";
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

    /// <summary>The load average (1, 5, 15 min) when the scenario started.</summary>
    public string Load { get; set; } = string.Empty;

    /// <summary>Answers 503/429 the bench's client retried after their Retry-After while this scenario ran (a real client's behaviour; reported, not hidden).</summary>
    public int ClientRetries { get; set; }
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

/// <summary>One throughput measure; <see cref="Workers"/> is the queue runner's workers or the Durable runner's MaxConcurrentWorkItems.</summary>
public sealed record ThroughputPoint(int Workers, double StepsPerSecond, int Tasks, int Steps, double Seconds, string Runner = "queue");

public sealed record LatencySeries(string Name, int Count, double P50, double P90, double P99, double Max);
