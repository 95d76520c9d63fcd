using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FuncTasks.Bench.Reporting;

public static class Report
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Number(double? value, string unit = "")
    {
        if (value is not { } v || double.IsNaN(v))
        {
            return "–";
        }

        var text = Math.Abs(v) >= 100 ? v.ToString("F0", Infrastructure.Inv.C) : Math.Abs(v) >= 10 ? v.ToString("F1", Infrastructure.Inv.C) : v.ToString("F2", Infrastructure.Inv.C);
        return unit.Length == 0 ? text : $"{text} {unit}";
    }

    public static string Markdown(BenchResults results)
    {
        var m = results.Machine;
        var md = new StringBuilder();
        md.AppendLine(Infrastructure.Inv.C, $"Machine: {m.Nproc} cores ({m.Cpu}), {m.MemoryGiB:F0} GiB, {m.Os}, .NET {m.Runtime}; load average before {m.LoadBefore}, after {m.LoadAfter}.");
        md.AppendLine(Infrastructure.Inv.C, $"Run: `{results.Mode}` at {results.StartedAt:yyyy-MM-dd HH:mm} UTC, {results.DurationSeconds:F0} s, commit {m.Commit}. Azurite 3.37.0 in memory, the LocalHost and the bench on the same machine.");
        md.AppendLine("Runners: FuncTasks' queue runner (`queue`), its Durable runner (`Durable`: the orchestrator on Durable Task's Azure Storage backend behind the in-process gRPC sidecar, a task hub per host start) and the peer, raw DTFx on the same backend and the same Azurite (`DTFx`).");
        if (results.Peer is { } peer)
        {
            md.AppendLine();
            md.AppendLine(Infrastructure.Inv.C, $"DTFx peer settings: {peer.Settings}.");
            if (peer.NoSessions is { } plain)
            {
                md.AppendLine(Infrastructure.Inv.C, $"Second peer (same shapes, no extended sessions): {plain.Settings}.");
            }
        }

        if (results.Targets.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Issue 17 targets (`targets` in latest.json; ratio = ours ÷ reference):");
            md.AppendLine();
            md.AppendLine("| target | ours | reference | ratio | goal | met |");
            md.AppendLine("|---|---:|---:|---:|---|:---:|");
            foreach (var t in results.Targets)
            {
                md.AppendLine(Infrastructure.Inv.C, $"| {t.Name} | {Number(t.Ours, t.Unit)} | {Number(t.Reference, t.Unit)} | {(t.Ratio is { } x ? Number(x) + "×" : "")} | {t.Goal} | {(t.Met ? "yes" : "**no**")} |");
            }
        }

        var side = SideBySide(results);
        if (side.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Side by side (lower is better):");
            md.AppendLine();
            md.AppendLine(Infrastructure.Inv.C, $"| measure | {Runners.Queue} | {Runners.Durable} | {Runners.Dtfx} |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var (measure, unit, values) in side)
            {
                md.AppendLine(Infrastructure.Inv.C, $"| {measure} | {Number(values.GetValueOrDefault(Runners.Queue, double.NaN), unit)} | {Number(values.GetValueOrDefault(Runners.Durable, double.NaN), unit)} | {Number(values.GetValueOrDefault(Runners.Dtfx, double.NaN), unit)} |");
            }
        }

        md.AppendLine();
        md.AppendLine("| # | scenario | measure | FuncTasks | raw storage / peer | ratio |");
        md.AppendLine("|---|---|---|---:|---:|---:|");
        foreach (var s in results.Scenarios)
        {
            if (s.Error is not null)
            {
                md.AppendLine(Infrastructure.Inv.C, $"| {s.Id} | {s.Title} | **error**: {s.Error.Replace("|", "\\|", StringComparison.Ordinal)} | | | |");
                continue;
            }

            foreach (var r in s.Rows)
            {
                md.AppendLine(Infrastructure.Inv.C, $"| {s.Id} | {s.Title} | {r.Metric} | {r.OursText} | {r.RawText} | {(r.Ratio is { } x ? Number(x) + "×" : "")} |");
            }
        }

        md.AppendLine();
        md.AppendLine("| # | target | measured | met |");
        md.AppendLine("|---|---|---:|:---:|");
        foreach (var s in results.Scenarios)
        {
            foreach (var t in s.Targets)
            {
                md.AppendLine(Infrastructure.Inv.C, $"| {s.Id} | {t.Target} | {Number(t.Value, t.Unit)} | {(t.Met ? "yes" : "**no**")} |");
            }
        }

        var notes = results.Scenarios.SelectMany(s => s.Notes.Select(n => $"{s.Id}. {n}"))
            .Concat(results.Scenarios.Where(s => s.Load.Length > 0).Select(s => $"{s.Id}. {s.Title}: {s.Seconds:F0} s, load average at its start {s.Load}."))
            .ToList();
        if (notes.Count > 0)
        {
            md.AppendLine();
            foreach (var n in notes)
            {
                md.AppendLine(Infrastructure.Inv.C, $"- {n}");
            }
        }

        if (results.Errors.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Errors:");
            foreach (var e in results.Errors)
            {
                md.AppendLine(Infrastructure.Inv.C, $"- {e}");
            }
        }

        return md.ToString();
    }

    /// <summary>The runner figures grouped by measure, in the order they were measured.</summary>
    public static List<(string Measure, string Unit, Dictionary<string, double> Values)> SideBySide(BenchResults results) =>
        results.Runners.GroupBy(f => f.Measure)
            .Select(g => (g.Key, g.First().Unit, g.GroupBy(f => f.Runner).ToDictionary(r => r.Key, r => r.Last().Value)))
            .ToList();

    public static void Console(BenchResults results)
    {
        var w = System.Console.Out;
        w.WriteLine();
        w.WriteLine($"{"#",-2} {"measure",-72} {"FuncTasks",14} {"raw",14} {"ratio",8}");
        foreach (var s in results.Scenarios)
        {
            w.WriteLine($"{s.Id,-2} {s.Title} ({s.Seconds:F0} s, load {s.Load}){(s.Error is null ? "" : "  ERROR: " + s.Error)}");
            foreach (var r in s.Rows)
            {
                var metric = r.Metric.Length > 70 ? r.Metric[..70] : r.Metric;
                var raw = !r.Compare || r.Raw is null ? "" : Number(r.Raw, r.Unit);
                w.WriteLine($"   {metric,-72} {r.OursText,14} {raw,14} {(r.Ratio is { } x ? Number(x) + "×" : ""),8}");
            }

            foreach (var t in s.Targets)
            {
                w.WriteLine($"   target {(t.Met ? "MET   " : "MISSED")} {t.Target}: {Number(t.Value, t.Unit)}");
            }
        }

        if (results.Targets.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Issue 17 targets (ratio = ours ÷ reference):");
            foreach (var t in results.Targets)
            {
                w.WriteLine($"   {(t.Met ? "MET   " : "MISSED")} {t.Name}: {Number(t.Ours, t.Unit)} vs {Number(t.Reference, t.Unit)} = {(t.Ratio is { } x ? Number(x) + "×" : "–")} (goal {t.Goal})");
            }
        }

        foreach (var e in results.Errors)
        {
            w.WriteLine($"ERROR: {e}");
        }
    }
}
