using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Bench.Scenarios;

/// <summary>
/// 8. Webhooks: 200 tasks of one step (5 events each: 1,000 task changes; quick: 40 tasks) with 3 subscribers on loopback
/// receivers. Every event must reach every subscriber, in order per task; delivery latency = arrival − the event's
/// CloudEvents <c>time</c> (when the change was committed), and events/s over the whole run.
/// </summary>
public static class Webhooks
{
    private const int Subscribers = 3;
    private const int EventsPerTask = 5;

    public static async Task RunAsync(BenchContext context, ScenarioResult result, CancellationToken ct)
    {
        var tasks = context.Quick ? 40 : 200;
        await using var host = await context.StartHostAsync("webhooks", new Dictionary<string, string>
        {
            ["FuncTasks:Notifications:FirstRetry"] = "00:00:00.500",
            ["FuncTasks:Notifications:SweepInterval"] = "00:00:05",
        }, cancellationToken: ct);
        var receivers = new List<Receiver>();
        try
        {
            for (var i = 0; i < Subscribers; i++)
            {
                var receiver = await Receiver.StartAsync();
                receivers.Add(receiver);
                var response = await host.Http.PostAsJsonAsync("/v1/subscriptions", new { url = receiver.Url, description = $"bench {i}" }, ct);
                response.EnsureSuccessStatusCode();
            }

            var started = DateTimeOffset.UtcNow;
            var ids = await TasksClient.CreateManyAsync(host.Http, tasks, 16, _ => TasksClient.Delays(1), ct);
            var expected = tasks * EventsPerTask;
            try
            {
                await Eventually.Until(() => receivers.All(r => r.Count >= expected), "every subscriber got every event", TimeSpan.FromMinutes(5),
                    TimeSpan.FromMilliseconds(100), ct);
            }
            catch (EventuallyTimeoutException)
            {
                // Reported below: what did arrive, and that not every event did.
            }

            var last = receivers.SelectMany(r => r.Arrivals).Max(a => a.At);
            var latencies = receivers.SelectMany(r => r.Arrivals).Select(a => (a.At - a.Time).TotalMilliseconds).ToList();
            var delivered = receivers.Sum(r => r.Count);
            var inOrder = receivers.All(r => r.InOrderPerTask());
            var everyEvent = receivers.All(r => r.Distinct == expected);
            var seconds = (last - started).TotalSeconds;
            result.Rows.Add(new Row("delivery latency p50 (arrival − event time)", Stats.Percentile(latencies, 50), null, "ms"));
            result.Rows.Add(new Row("delivery latency p99", Stats.Percentile(latencies, 99), null, "ms"));
            result.Rows.Add(new Row($"deliveries/s ({Subscribers} subscribers)", delivered / seconds, null, "/s"));
            result.Rows.Add(new Row("events delivered / expected", delivered, expected * Subscribers, "events", Compare: false));
            result.Targets.Add(new TargetCheck("every event to every subscriber, once, in order per task", delivered, "events",
                everyEvent && inOrder && delivered == expected * Subscribers));
            result.Notes.Add($"{tasks} tasks × 1 delay-0 step = {expected} task changes (created, started, step started, step succeeded, succeeded), {Subscribers} subscribers answering 200 at once; queue runner, one host.");
            context.Results.Latencies.Add(Stats.Series("webhook delivery", latencies));
            BenchContext.Progress($"webhooks: {delivered}/{expected * Subscribers} deliveries in {seconds:F1} s, in order: {inOrder}, ids: {ids.Count}");
        }
        finally
        {
            foreach (var receiver in receivers)
            {
                await receiver.DisposeAsync();
            }
        }
    }

    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Arrival> _arrivals = new();

        private Receiver(WebApplication app) => _app = app;

        public string Url { get; private set; } = string.Empty;

        public IReadOnlyList<Arrival> Arrivals => [.. _arrivals];

        public int Count => _arrivals.Count;

        public int Distinct => _arrivals.Select(a => a.Id).Distinct().Count();

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.Run(async http =>
            {
                var at = DateTimeOffset.UtcNow;
                using var body = await JsonDocument.ParseAsync(http.Request.Body);
                var root = body.RootElement;
                receiver._arrivals.Enqueue(new Arrival(
                    root.GetProperty("id").GetString()!, root.GetProperty("subject").GetString()!,
                    root.GetProperty("data").GetProperty("sequence").GetInt32(), root.GetProperty("time").GetDateTimeOffset(), at));
                http.Response.StatusCode = 204;
            });
            await app.StartAsync();
            receiver.Url = app.Urls.First().TrimEnd('/') + "/hook";
            return receiver;
        }

        /// <summary>Each task's events arrived in the order of their positions in its trail.</summary>
        public bool InOrderPerTask() => Arrivals.GroupBy(a => a.Task).All(g =>
        {
            var positions = g.Select(a => long.Parse(a.Id[(a.Id.LastIndexOf('_') + 1)..], Inv.C)).ToList();
            return positions.SequenceEqual(positions.Order());
        });

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed record Arrival(string Id, string Task, int Sequence, DateTimeOffset Time, DateTimeOffset At);
}
