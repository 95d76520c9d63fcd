using FuncTasks.Bench.Peer;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>
/// 9. The peer: raw Durable Task Framework on its Azure Storage backend (Durable Functions' default), same Azurite, same
/// shapes as FuncTasks' engine scenarios: one orchestration of 50 sequential no-op activities; 20 × 50 at once; resume
/// after a failure (raise event → next activity runs). The engine scenarios compare both runners with these figures.
/// </summary>
public static class DurablePeer
{
    public const int SequentialActivities = 50;

    public static (int Orchestrations, int Activities) ThroughputShape(BenchContext context) => context.Quick ? (10, 20) : (20, 50);

    public static int ResumeSamples(BenchContext context) => context.Quick ? 5 : 20;

    public static TimeSpan Idle(BenchContext context) => TimeSpan.FromMilliseconds(context.Quick ? 300 : 1500);

    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        var peer = await context.PeerAsync(ct);
        var (orchestrations, activities) = (peer.ThroughputOrchestrations, peer.ThroughputActivities);
        result.Rows.Add(new Row($"DTFx: {SequentialActivities} sequential no-op activities, time per activity p50", peer.SequentialMsPerActivity, null, "ms"));
        result.Rows.Add(new Row($"DTFx: {SequentialActivities} sequential activities, whole ÷ {SequentialActivities}", peer.SequentialWholeMsPerActivity, null, "ms"));
        result.Rows.Add(new Row($"DTFx: {orchestrations} × {activities} activities at once", peer.ActivitiesPerSecond, null, "activities/s"));
        result.Rows.Add(new Row("DTFx: raise event → next activity runs, p50", peer.ResumeP50Ms, null, "ms"));
        result.Rows.Add(new Row("DTFx: raise event → next activity runs, p99", peer.ResumeP99Ms, null, "ms"));
        if (peer.NoSessions is { } plain)
        {
            result.Rows.Add(new Row("DTFx without extended sessions: time per sequential activity p50", plain.SequentialMsPerActivity, null, "ms"));
            result.Rows.Add(new Row($"DTFx without extended sessions: {orchestrations} × {activities} at once", plain.ActivitiesPerSecond, null, "activities/s"));
            result.Notes.Add($"without extended sessions: {plain.Settings}.");
        }

        result.Notes.Add($"{peer.Settings}; start + first orchestration (partition leases) {peer.WarmUpSeconds:F1} s, not measured.");
        result.Notes.Add("Every figure comes from the activities' own timestamps (the activities run in the bench process); no polling of the instance table.");
    }

    /// <summary>Starts the peer (and, in a full run, a second one without extended sessions), measures the shapes, stops it.</summary>
    public static async Task<PeerResults> MeasureAsync(BenchContext context, CancellationToken ct)
    {
        var results = await MeasureOneAsync(context, extendedSessions: true, resume: true, ct);
        if (!context.Quick)
        {
            results.NoSessions = await MeasureOneAsync(context, extendedSessions: false, resume: false, ct);
        }

        return results;
    }

    private static async Task<PeerResults> MeasureOneAsync(BenchContext context, bool extendedSessions, bool resume, CancellationToken ct)
    {
        var settings = new DtfxSettings
        {
            TaskHub = $"BenchDtfx{(extendedSessions ? "Ext" : "Plain")}{Environment.ProcessId}",
            ExtendedSessions = extendedSessions,
        };
        BenchContext.Progress($"DTFx peer: starting ({(extendedSessions ? "extended sessions" : "no extended sessions")}, task hub {settings.TaskHub})");
        await using var peer = await DtfxPeer.StartAsync(context.Storage, settings, ct);
        var results = new PeerResults { Settings = settings.Describe(), WarmUpSeconds = settings.WarmUpSeconds, SequentialActivities = SequentialActivities };

        var perActivity = new List<double>();
        var whole = new List<double>();
        var runs = context.Quick ? 1 : 3;
        for (var r = 0; r < runs; r++)
        {
            var run = await peer.RunSequencesAsync(1, SequentialActivities, TimeSpan.FromMinutes(2), ct);
            var marks = run.Activities[0];
            for (var i = 1; i < marks.Count; i++)
            {
                perActivity.Add(Stats.Ms(marks[i - 1], marks[i]));
            }

            whole.Add(Stats.Ms(marks[0], marks[^1]) / (marks.Count - 1));
        }

        results.SequentialMsPerActivity = Stats.Percentile(perActivity, 50);
        results.SequentialWholeMsPerActivity = Stats.Median(whole);
        BenchContext.Progress($"DTFx peer: sequential {results.SequentialMsPerActivity:F1} ms per activity (p50)");

        var (orchestrations, activities) = ThroughputShape(context);
        var batch = await peer.RunSequencesAsync(orchestrations, activities, TimeSpan.FromMinutes(5), ct);
        results.ThroughputOrchestrations = orchestrations;
        results.ThroughputActivities = activities;
        results.ActivitiesPerSecond = batch.Count / Stats.Ms(batch.Started, batch.LastActivity) * 1000;
        BenchContext.Progress($"DTFx peer: {orchestrations} × {activities} → {results.ActivitiesPerSecond:F1} activities/s");

        if (resume)
        {
            var ms = await peer.ResumeAsync(ResumeSamples(context), Idle(context), ct);
            results.ResumeSamples = ms.Count;
            results.ResumeP50Ms = Stats.Percentile(ms, 50);
            results.ResumeP99Ms = Stats.Percentile(ms, 99);
            context.Results.Latencies.Add(Stats.Series("DTFx raise event → next activity", ms));
            BenchContext.Progress($"DTFx peer: resume p50 {results.ResumeP50Ms:F1} ms");
        }

        return results;
    }
}
