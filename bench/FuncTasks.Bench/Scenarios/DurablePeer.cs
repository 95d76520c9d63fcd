using FuncTasks.Bench.Peer;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>
/// 9. The peer: raw Durable Task Framework on its Azure Storage backend (Durable Functions' default), same Azurite, same
/// shapes as FuncTasks' engine scenarios: one orchestration of 50 sequential no-op activities; 20 × 50 at once; resume
/// after a failure (raise event → next activity runs). The engine scenarios (2, 3, 4) measure these shapes next to
/// FuncTasks' runners; this scenario starts the peer, states its settings and (full run) compares it with itself
/// without extended sessions.
/// </summary>
public static class DurablePeer
{
    public const int SequentialActivities = 50;

    public static (int Orchestrations, int Activities) ThroughputShape(BenchContext context) => context.Quick ? (10, 20) : (20, 50);

    public static TimeSpan Idle(BenchContext context) => TimeSpan.FromMilliseconds(context.Quick ? 300 : 1500);

    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        var peer = await context.DtfxAsync(ct);
        result.Notes.Add($"{peer.Settings.Describe()}; start + first orchestration (partition leases) {peer.Settings.WarmUpSeconds:F1} s, not measured.");
        result.Notes.Add("Every peer figure comes from the activities' own timestamps (the activities run in the bench process); no polling of the instance table. The engine scenarios measure the peer next to FuncTasks (same minute, same load).");
        if (context.Quick)
        {
            return;
        }

        // Alone, back to back: extended sessions on (the peer of every comparison) and off (what FuncTasks' sidecar runs).
        var (orchestrations, activities) = ThroughputShape(context);
        var ext = await SequentialAsync(peer, 3, ct);
        var extRate = await ThroughputAsync(peer, orchestrations, activities, ct);
        var plainSettings = new DtfxSettings { TaskHub = $"BenchDtfxPlain{Environment.ProcessId}", ExtendedSessions = false };
        BenchContext.Progress("DTFx peer: a second peer without extended sessions");
        List<double> plain;
        await using (var second = await DtfxPeer.StartAsync(context.Storage, plainSettings, ct))
        {
            plain = await SequentialAsync(second, 3, ct);
        }

        context.Peer.NoSessions = new PeerResults
        {
            Settings = plainSettings.Describe(),
            SequentialActivities = SequentialActivities,
            SequentialMsPerActivity = Stats.Percentile(plain, 50),
            WarmUpSeconds = plainSettings.WarmUpSeconds,
        };
        result.Rows.Add(new Row($"DTFx alone: {SequentialActivities} sequential activities, time per activity p50, extended sessions vs none", Stats.Percentile(ext, 50), Stats.Percentile(plain, 50), "ms", "no extended sessions"));
        result.Rows.Add(new Row($"DTFx alone: {orchestrations} × {activities} at once (extended sessions)", extRate, null, "activities/s"));
        result.Notes.Add($"second peer: {plainSettings.Describe()}; sequential only: its {orchestrations} × {activities} at once ran at 2.9 activities/s in one run (5.7 min; cause not investigated), too long for the bench.");
    }

    /// <summary>Time between consecutive activities (ms) of <paramref name="runs"/> orchestrations of 50, one after the other.</summary>
    public static async Task<List<double>> SequentialAsync(DtfxPeer peer, int runs, CancellationToken ct)
    {
        var intervals = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var run = await peer.RunSequencesAsync(1, SequentialActivities, TimeSpan.FromMinutes(5), ct);
            var marks = run.Activities[0];
            for (var i = 1; i < marks.Count; i++)
            {
                intervals.Add(Stats.Ms(marks[i - 1], marks[i]));
            }
        }

        BenchContext.Progress($"DTFx peer ({(peer.Settings.ExtendedSessions ? "extended sessions" : "no extended sessions")}): {SequentialActivities} sequential, {Stats.Percentile(intervals, 50):F1} ms per activity (p50)");
        return intervals;
    }

    /// <summary>Activities per second of <paramref name="orchestrations"/> × <paramref name="activities"/> started at once (first start → last activity).</summary>
    public static async Task<double> ThroughputAsync(DtfxPeer peer, int orchestrations, int activities, CancellationToken ct)
    {
        var batch = await peer.RunSequencesAsync(orchestrations, activities, TimeSpan.FromMinutes(10), ct);
        var rate = batch.Count / Stats.Ms(batch.Started, batch.LastActivity) * 1000;
        BenchContext.Progress($"DTFx peer ({(peer.Settings.ExtendedSessions ? "extended sessions" : "no extended sessions")}): {orchestrations} × {activities} → {rate:F1} activities/s");
        return rate;
    }
}
