using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>
/// 4. From the 200 of PATCH retry (and of restart-failed-step) to the moment the loopback target server receives
/// the restarted step's call.
/// </summary>
public static class Resume
{
    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        await using var host = await context.StartHostAsync("resume", cancellationToken: ct);
        var target = context.Target;
        var n = context.Quick ? 8 : 40;

        var retry = new List<double>();
        var retryFromSend = new List<double>();
        for (var i = 0; i < n + 2; i++)
        {
            var path = $"retry-{host.Prefix}-{i}";
            target.Respond(path, 500, "failing on purpose");
            var (id, _) = await TasksClient.CreateAsync(host.Http, $"retry-{i}", [TasksClient.HttpGet("call", target.Url(path))], ct);
            await host.Raw.WaitForStatusAsync(id, "Failed", TimeSpan.FromSeconds(30), ct);
            // Let the workers go idle, as after a real failure.
            await Task.Delay(context.Quick ? 300 : 1500, ct);
            target.Respond(path, 200, "ok");
            var call = target.NextCall(path);
            var sent = Stopwatch.GetTimestamp();
            using (var response = await host.Http.PatchAsync($"/v1/tasks/{id}", null, ct))
            {
                var ok = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"PATCH retry answered {(int)response.StatusCode}");
                }

                var called = await call.WaitAsync(TimeSpan.FromSeconds(30), ct);
                if (i >= 2)
                {
                    retry.Add(Stats.Ms(ok, called));
                    retryFromSend.Add(Stats.Ms(sent, called));
                }
            }

            await host.Raw.WaitForStatusAsync(id, "Succeeded", TimeSpan.FromSeconds(30), ct);
        }

        BenchContext.Progress($"resume: PATCH retry p50 {Stats.Percentile(retry, 50):F1} ms");
        var queue = await RawProbes.QueueRoundTripsAsync(context, context.Quick ? 30 : 100, ct);
        result.Rows.Add(new Row("PATCH retry: 200 → step action called, p50 vs raw queue hop", Stats.Percentile(retry, 50), Stats.Percentile(queue, 50), "ms", "send+receive+delete"));
        result.Rows.Add(new Row("PATCH retry: 200 → step action called, p99", Stats.Percentile(retry, 99), Stats.Percentile(queue, 99), "ms"));
        result.Rows.Add(new Row("PATCH retry: request sent → step action called, p50", Stats.Percentile(retryFromSend, 50), null, "ms"));
        result.Targets.Add(new TargetCheck("PATCH retry p50 ≤ 250 ms", Stats.Percentile(retry, 50), "ms", Stats.Percentile(retry, 50) <= 250));
        context.Results.Latencies.Add(Stats.Series("resume (PATCH retry)", retry));
        context.Results.Latencies.Add(Stats.Series("raw queue hop", queue));

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
            await host.Raw.WaitForStatusAsync(id, "Failed", TimeSpan.FromSeconds(30), ct);
            await Task.Delay(context.Quick ? 300 : 1500, ct);
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
                    throw new InvalidOperationException($"restart-failed-step answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }

                var called = await call.WaitAsync(TimeSpan.FromSeconds(30), ct);
                if (i >= 2)
                {
                    restart.Add(Stats.Ms(ok, called));
                    restartFromSend.Add(Stats.Ms(sent, called));
                }
            }

            await host.Raw.WaitForStatusAsync(id, "Succeeded", TimeSpan.FromSeconds(30), ct);
        }

        BenchContext.Progress($"resume: restart-failed-step p50 {Stats.Percentile(restart, 50):F1} ms");
        result.Rows.Add(new Row("restart-failed-step: 200 → step action called, p50 vs raw queue hop", Stats.Percentile(restart, 50), Stats.Percentile(queue, 50), "ms", "send+receive+delete"));
        result.Rows.Add(new Row("restart-failed-step: 200 → step action called, p99", Stats.Percentile(restart, 99), Stats.Percentile(queue, 99), "ms"));
        result.Rows.Add(new Row("restart-failed-step: request sent → step action called, p50", Stats.Percentile(restartFromSend, 50), null, "ms"));
        result.Targets.Add(new TargetCheck("restart-failed-step p50 ≤ 250 ms", Stats.Percentile(restart, 50), "ms", Stats.Percentile(restart, 50) <= 250));
        context.Results.Latencies.Add(Stats.Series("resume (restart-failed-step)", restart));
    }

    private static async Task<bool> RestartAvailableAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/processes/restart-failed-step", new { }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return !(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed && text.Length == 0);
    }
}
