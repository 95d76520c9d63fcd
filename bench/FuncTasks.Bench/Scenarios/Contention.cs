using System.Diagnostics;
using System.Net;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench.Scenarios;

/// <summary>6. 100 simultaneous PATCH retries of one failed task: exactly one wins; the losers' latency.</summary>
public static class Contention
{
    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        const int racers = 100;
        await using var host = await context.StartHostAsync("race", cancellationToken: ct);
        var path = $"race-{host.Prefix}";
        // The step fails after 2 s: while the winner's retry runs it, the task stays in progress, so every other
        // request of the round must get 409 (a request arriving after it failed again could rightly win).
        context.Target.Respond(path, 500, "failing on purpose", TimeSpan.FromSeconds(2));
        var (id, _) = await TasksClient.CreateAsync(host.Http, "contended", [TasksClient.HttpGet("always-fails", context.Target.Url(path))], ct);
        await host.Raw.WaitForStatusAsync(id, "Failed", TimeSpan.FromSeconds(30), ct);
        // Open the connections first.
        await Task.WhenAll(Enumerable.Range(0, racers).Select(async _ => (await host.Http.GetAsync($"/v1/tasks/{id}", ct)).Dispose()));

        var rounds = context.Quick ? 1 : 5;
        var losers = new List<double>();
        var winners = new List<double>();
        var badRounds = 0;
        for (var r = 0; r < rounds; r++)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var requests = Enumerable.Range(0, racers).Select(async _ =>
            {
                await go.Task;
                var start = Stopwatch.GetTimestamp();
                using var response = await host.Http.PatchAsync($"/v1/tasks/{id}", null, ct);
                await response.Content.ReadAsByteArrayAsync(ct);
                return (response.StatusCode, Ms: Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }).ToList();
            go.SetResult();
            var answers = await Task.WhenAll(requests);
            var ok = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
            var conflict = answers.Count(a => a.StatusCode == HttpStatusCode.Conflict);
            if (ok != 1 || conflict != racers - 1)
            {
                badRounds++;
                context.Results.Errors.Add($"contention round {r + 1}: {ok} × 200, {conflict} × 409, {racers - ok - conflict} other");
            }

            losers.AddRange(answers.Where(a => a.StatusCode == HttpStatusCode.Conflict).Select(a => a.Ms));
            winners.AddRange(answers.Where(a => a.StatusCode == HttpStatusCode.OK).Select(a => a.Ms));
            BenchContext.Progress($"contention round {r + 1}/{rounds}: {ok} won, {conflict} got 409");
            // The winner's retry runs the step again, which fails again: wait for that before the next round.
            await host.Raw.WaitForStatusAsync(id, "Failed", TimeSpan.FromSeconds(30), ct);
        }

        var rawLosers = new List<double>();
        var rawBad = 0;
        for (var r = 0; r < rounds; r++)
        {
            var (won, ms) = await RawProbes.ContentionAsync(context, racers, ct);
            rawBad += won == 1 ? 0 : 1;
            rawLosers.AddRange(ms);
        }

        result.Rows.Add(new Row("losers (409) p50 vs raw If-Match losers (412)", Stats.Percentile(losers, 50), Stats.Percentile(rawLosers, 50), "ms", "UpdateEntity If-Match"));
        result.Rows.Add(new Row("losers (409) p99 vs raw If-Match losers (412)", Stats.Percentile(losers, 99), Stats.Percentile(rawLosers, 99), "ms", "UpdateEntity If-Match"));
        result.Rows.Add(new Row("winner (200) latency, median over rounds", Stats.Median(winners), null, "ms"));
        result.Targets.Add(new TargetCheck($"exactly one of {racers} wins, {racers - 1} × 409 ({rounds} rounds)", rounds - badRounds, "good rounds", badRounds == 0));
        result.Notes.Add($"{rounds} round(s) of {racers} simultaneous PATCH /v1/tasks/{{id}}; raw: {racers} simultaneous If-Match replaces of one entity ({rawBad} raw rounds without exactly one winner).");
        context.Results.Latencies.Add(Stats.Series("retry losers (409)", losers));
        context.Results.Latencies.Add(Stats.Series("raw If-Match losers (412)", rawLosers));
    }
}
