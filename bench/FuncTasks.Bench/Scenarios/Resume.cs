using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>
/// 4. From the 200 of PATCH retry (and of restart-failed-step) to the moment the loopback target server receives
/// the restarted step's call, on each runner; the Durable runner against the DTFx peer's raise event → next activity.
/// </summary>
public static class Resume
{
    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        var queue = await RawProbes.QueueRoundTripsAsync(context, context.Quick ? 30 : 100, ct);
        context.Results.Latencies.Add(Stats.Series("raw queue hop", queue));
        foreach (var runner in context.RunnersToMeasure)
        {
            await MeasureAsync(context, result, runner, queue, ct);
        }
    }

    private static async Task MeasureAsync(BenchContext context, ScenarioResult result, RunnerKind runner, List<double> queue, CancellationToken ct)
    {
        await using var host = await context.StartHostAsync("resume", runner, cancellationToken: ct);
        var target = context.Target;
        var durable = runner == RunnerKind.Durable;
        // The Durable runner is ~20× slower per failure round trip: fewer samples (the peer's are as many).
        var n = durable ? (context.Quick ? 3 : 15) : context.Quick ? 8 : 40;
        var wait = TimeSpan.FromSeconds(durable ? 120 : 30);
        var idle = DurablePeer.Idle(context);
        var label = runner.Short();

        var retry = new List<double>();
        var retryFromSend = new List<double>();
        for (var i = 0; i < n + 2; i++)
        {
            var path = $"retry-{host.Prefix}-{i}";
            target.Respond(path, 500, "failing on purpose");
            var (id, _) = await TasksClient.CreateAsync(host.Http, $"retry-{i}", [TasksClient.HttpGet("call", target.Url(path))], ct);
            await host.Raw.WaitForStatusAsync(id, "Failed", wait, ct);
            // Let the workers go idle, as after a real failure.
            await Task.Delay(idle, ct);
            target.Respond(path, 200, "ok");
            var call = target.NextCall(path);
            var sent = Stopwatch.GetTimestamp();
            using (var response = await host.Http.PatchAsync($"/v1/tasks/{id}", null, ct))
            {
                var ok = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"PATCH retry ({label}) answered {(int)response.StatusCode}");
                }

                var called = await call.WaitAsync(wait, ct);
                if (i >= 2)
                {
                    retry.Add(Stats.Ms(ok, called));
                    retryFromSend.Add(Stats.Ms(sent, called));
                }
            }

            await host.Raw.WaitForStatusAsync(id, "Succeeded", wait, ct);
        }

        BenchContext.Progress($"resume ({label}): PATCH retry p50 {Stats.Percentile(retry, 50):F1} ms");
        result.Rows.Add(new Row($"{label}: PATCH retry: 200 → step action called, p50 vs raw queue hop", Stats.Percentile(retry, 50), Stats.Percentile(queue, 50), "ms", "send+receive+delete"));
        result.Rows.Add(new Row($"{label}: PATCH retry: 200 → step action called, p99", Stats.Percentile(retry, 99), Stats.Percentile(queue, 99), "ms"));
        result.Rows.Add(new Row($"{label}: PATCH retry: request sent → step action called, p50", Stats.Percentile(retryFromSend, 50), null, "ms"));
        result.Targets.Add(new TargetCheck($"{label}: PATCH retry p50 ≤ 250 ms", Stats.Percentile(retry, 50), "ms", Stats.Percentile(retry, 50) <= 250));
        context.Results.Latencies.Add(Stats.Series($"resume (PATCH retry, {label})", retry));

        if (!await RestartAvailableAsync(host.Http, ct))
        {
            result.Notes.Add("restart-failed-step: not served by this build (POST /api/v1/processes/restart-failed-step answered 404); measured PATCH retry only.");
            return;
        }

        var restart = new List<double>();
        var restartFromSend = new List<double>();
        for (var i = 0; i < n + 2; i++)
        {
            var bad = $"restart-{host.Prefix}-{i}-bad";
            var good = $"restart-{host.Prefix}-{i}-good";
            target.Respond(bad, 500, "failing on purpose");
            var (id, stepIds) = await TasksClient.CreateAsync(host.Http, $"restart-{i}", [TasksClient.HttpGet("call", target.Url(bad))], ct);
            await host.Raw.WaitForStatusAsync(id, "Failed", wait, ct);
            await Task.Delay(idle, ct);
            var call = target.NextCall(good);
            var body = new
            {
                processStepId = stepIds[0],
                @params = new Dictionary<string, object> { ["url"] = new { strValue = target.Url(good), type = "STRING" } },
            };
            var sent = Stopwatch.GetTimestamp();
            using (var response = await host.Http.PostAsJsonAsync("/api/v1/processes/restart-failed-step", body, ct))
            {
                var ok = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"restart-failed-step ({label}) answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }

                var called = await call.WaitAsync(wait, ct);
                if (i >= 2)
                {
                    restart.Add(Stats.Ms(ok, called));
                    restartFromSend.Add(Stats.Ms(sent, called));
                }
            }

            await host.Raw.WaitForStatusAsync(id, "Succeeded", wait, ct);
        }

        var p50 = Stats.Percentile(restart, 50);
        BenchContext.Progress($"resume ({label}): restart-failed-step p50 {p50:F1} ms");
        result.Rows.Add(new Row($"{label}: restart-failed-step: 200 → step action called, p50 vs raw queue hop", p50, Stats.Percentile(queue, 50), "ms", "send+receive+delete"));
        result.Rows.Add(new Row($"{label}: restart-failed-step: 200 → step action called, p99", Stats.Percentile(restart, 99), Stats.Percentile(queue, 99), "ms"));
        result.Rows.Add(new Row($"{label}: restart-failed-step: request sent → step action called, p50", Stats.Percentile(restartFromSend, 50), null, "ms"));
        result.Targets.Add(new TargetCheck($"{label}: restart-failed-step p50 ≤ 250 ms", p50, "ms", p50 <= 250));
        context.Results.Latencies.Add(Stats.Series($"resume (restart-failed-step, {label})", restart));
        context.Figure("resume: restart → step runs, p50", runner.Label(), p50, "ms");
        result.Notes.Add($"{label}: {n} samples of each (after 2 unmeasured), {idle.TotalMilliseconds:F0} ms idle before each resume.");

        if (durable)
        {
            // The peer's resume right after (the Durable host still up, same idle time before each event).
            var peer = await context.DtfxAsync(ct);
            var peerMs = await peer.ResumeAsync(n, idle, ct);
            var dtfx = Stats.Percentile(peerMs, 50);
            context.Peer.ResumeSamples = peerMs.Count;
            context.Peer.ResumeP50Ms = dtfx;
            context.Peer.ResumeP99Ms = Stats.Percentile(peerMs, 99);
            context.Results.Latencies.Add(Stats.Series("DTFx raise event → next activity", peerMs));
            BenchContext.Progress($"resume (DTFx): raise event → next activity p50 {dtfx:F1} ms");
            context.Figure("resume: restart → step runs, p50", Runners.Dtfx, dtfx, "ms");
            result.Rows.Add(new Row("Durable: restart-failed-step p50 vs DTFx raise event → next activity p50", p50, dtfx, "ms", $"DTFx, {peerMs.Count} samples"));
            result.Rows.Add(new Row("DTFx: raise event → next activity p99", context.Peer.ResumeP99Ms, null, "ms"));
            result.Notes.Add($"DTFx: an orchestration whose activity failed waits for an event; RaiseEventAsync returned → the next activity runs; {peerMs.Count} samples (after 2 unmeasured), {idle.TotalMilliseconds:F0} ms idle before each event, measured right after the Durable runner's.");
            result.Targets.Add(new TargetCheck("Durable: restart-failed-step p50 ≤ 1.0 × DTFx raise event → next activity", p50 / dtfx, "×", p50 <= dtfx));
            context.AddTarget("Durable runner resume: restart-failed-step → the step's action called, vs DTFx raise event → next activity", p50, dtfx, "p50 ≤ 1.0× DTFx's raise-event → next-activity latency", p50 <= dtfx, "ms", 7);
        }
        else
        {
            result.Targets.Add(new TargetCheck("queue: restart-failed-step p50 ≤ 10 ms", p50, "ms", p50 <= 10));
            context.AddTarget("Queue runner resume: restart-failed-step → the step's action called", p50, 10, "p50 ≤ 10 ms (reference = the 10 ms bound)", p50 <= 10, "ms", 8);
        }
    }

    private static async Task<bool> RestartAvailableAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/processes/restart-failed-step", new { }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return !(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed && text.Length == 0);
    }
}
