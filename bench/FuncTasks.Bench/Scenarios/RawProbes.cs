using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace FuncTasks.Bench.Scenarios;

/// <summary>The physical limits: what Azurite does for the bare SDK on this machine, measured in the same run.</summary>
public static class RawProbes
{
    private static async Task<TableClient> FreshTableAsync(BenchContext context, string name, CancellationToken ct)
    {
        var table = context.TableService().GetTableClient($"Raw{name}{Guid.NewGuid():N}"[..30]);
        await table.CreateIfNotExistsAsync(ct);
        return table;
    }

    /// <summary>A step-shaped transaction: replace a task row and a step row of one partition, both If-Match.</summary>
    private sealed class Pair
    {
        public required TableEntity Task { get; set; }
        public required TableEntity Step { get; set; }

        public static async Task<Pair> CreateAsync(TableClient table, CancellationToken ct)
        {
            var pk = Guid.NewGuid().ToString("D");
            var task = new TableEntity(pk, "task") { ["Status"] = "InProgress", ["CompletedSteps"] = 0, ["Name"] = "raw" };
            var step = new TableEntity(pk, "step-000") { ["Status"] = "Pending", ["AttemptCount"] = 0, ["Name"] = "raw" };
            var responses = await table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.Add, task), new TableTransactionAction(TableTransactionActionType.Add, step)], ct);
            task.ETag = responses.Value[0].Headers.ETag!.Value;
            step.ETag = responses.Value[1].Headers.ETag!.Value;
            return new Pair { Task = task, Step = step };
        }

        public async Task WriteAsync(TableClient table, int i, CancellationToken ct)
        {
            Task["CompletedSteps"] = i;
            Step["AttemptCount"] = i;
            var responses = await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, Task, Task.ETag),
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, Step, Step.ETag),
            ], ct);
            Task.ETag = responses.Value[0].Headers.ETag!.Value;
            Step.ETag = responses.Value[1].Headers.ETag!.Value;
        }
    }

    /// <summary>
    /// The shape of the queue runner's step write without the host: one transaction that replaces the task row (with a
    /// steps view of <paramref name="viewBytes"/>), the step completed and the next step claimed (all If-Match), and
    /// inserts the attempt, the audit event and its outbox marker.
    /// </summary>
    private sealed class StepShaped(TableClient table, string partition, TableEntity task, TableEntity[] steps)
    {
        public static async Task<StepShaped> CreateAsync(TableClient table, int viewBytes, CancellationToken ct)
        {
            var pk = Guid.NewGuid().ToString("D");
            var task = new TableEntity(pk, "task") { ["Status"] = "InProgress", ["CompletedSteps"] = 0, ["Steps"] = new string('s', viewBytes) };
            var steps = Enumerable.Range(0, 2).Select(i => new TableEntity(pk, $"step-{i:D3}") { ["Status"] = "Pending", ["AttemptCount"] = 0 }).ToArray();
            var responses = await table.SubmitTransactionAsync(
                [.. new[] { task }.Concat(steps).Select(e => new TableTransactionAction(TableTransactionActionType.Add, e))], ct);
            task.ETag = responses.Value[0].Headers.ETag!.Value;
            steps[0].ETag = responses.Value[1].Headers.ETag!.Value;
            steps[1].ETag = responses.Value[2].Headers.ETag!.Value;
            return new StepShaped(table, pk, task, steps);
        }

        public async Task WriteAsync(int i, CancellationToken ct)
        {
            task["CompletedSteps"] = i;
            steps[0]["AttemptCount"] = i;
            steps[1]["AttemptCount"] = i;
            var responses = await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, task, task.ETag),
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, steps[0], steps[0].ETag),
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, steps[1], steps[1].ETag),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"attempt-{i:D6}") { ["Outcome"] = "Succeeded" }),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"event-{i:D6}") { ["Type"] = "step.succeeded" }),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"outbox-{i:D6}") { ["Event"] = i }),
            ], ct);
            task.ETag = responses.Value[0].Headers.ETag!.Value;
            steps[0].ETag = responses.Value[1].Headers.ETag!.Value;
            steps[1].ETag = responses.Value[2].Headers.ETag!.Value;
        }
    }

    /// <summary>2-entity If-Match transactions per second with <paramref name="inFlight"/> writers.</summary>
    public static Task<double> TransactionRateAsync(BenchContext context, int inFlight, TimeSpan duration, CancellationToken ct) =>
        RateAsync(context, "Tx", inFlight, duration, async table =>
        {
            var pair = await Pair.CreateAsync(table, ct);
            return i => pair.WriteAsync(table, i, ct);
        }, ct);

    /// <summary>Step-shaped transactions (six entities, see <see cref="StepShaped"/>) per second with <paramref name="inFlight"/> writers.</summary>
    public static Task<double> StepShapedRateAsync(BenchContext context, int inFlight, TimeSpan duration, int viewBytes, CancellationToken ct) =>
        RateAsync(context, "Step", inFlight, duration, async table =>
        {
            var writer = await StepShaped.CreateAsync(table, viewBytes, ct);
            return i => writer.WriteAsync(i, ct);
        }, ct);

    private static async Task<double> RateAsync(
        BenchContext context, string name, int inFlight, TimeSpan duration, Func<TableClient, Task<Func<int, Task>>> writer, CancellationToken ct)
    {
        var table = await FreshTableAsync(context, name, ct);
        var writers = await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => writer(table)));
        // Warm-up, then the measured window.
        await Task.WhenAll(writers.Select(w => w(1)));
        long done = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(writers.Select(async w =>
        {
            for (var i = 2; Stopwatch.GetTimestamp() < stopAt; i++)
            {
                await w(i);
                Interlocked.Increment(ref done);
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await table.DeleteAsync(ct);
        return done / seconds;
    }

    /// <summary>Latencies (ms) of 2-entity If-Match transactions, one at a time.</summary>
    public static async Task<List<double>> SequentialTransactionsAsync(BenchContext context, int samples, CancellationToken ct)
    {
        var table = await FreshTableAsync(context, "Seq", ct);
        var pair = await Pair.CreateAsync(table, ct);
        for (var i = 0; i < 20; i++)
        {
            await pair.WriteAsync(table, i, ct);
        }

        var ms = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await pair.WriteAsync(table, 100 + i, ct);
            ms.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        await table.DeleteAsync(ct);
        return ms;
    }

    /// <summary>Latencies (ms) of a queue hop: send, receive, delete.</summary>
    public static async Task<List<double>> QueueRoundTripsAsync(BenchContext context, int samples, CancellationToken ct)
    {
        var queue = new QueueServiceClient(context.Storage).GetQueueClient($"raw-{Guid.NewGuid():N}");
        await queue.CreateIfNotExistsAsync(cancellationToken: ct);
        var ms = new List<double>(samples);
        for (var i = 0; i < samples + 5; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await queue.SendMessageAsync("{\"taskId\":\"x\"}", ct);
            var received = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30), ct)).Value;
            foreach (var message in received)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            }

            if (i >= 5)
            {
                ms.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        await queue.DeleteAsync(ct);
        return ms;
    }

    /// <summary>
    /// <paramref name="writers"/> simultaneous If-Match replaces of one entity with the same ETag: how many won,
    /// and the latencies (ms) of the losers (412).
    /// </summary>
    public static async Task<(int Winners, List<double> LoserMs)> ContentionAsync(BenchContext context, int writers, CancellationToken ct)
    {
        var table = await FreshTableAsync(context, "Race", ct);
        var entity = new TableEntity("race", "task") { ["Status"] = "Failed" };
        var etag = (await table.AddEntityAsync(entity, ct)).Headers.ETag!.Value;
        // Open the connections first, as the HTTP round does.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => table.GetEntityAsync<TableEntity>("race", "task", cancellationToken: ct)));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, writers).Select(async _ =>
        {
            await go.Task;
            var start = Stopwatch.GetTimestamp();
            try
            {
                await table.UpdateEntityAsync(new TableEntity("race", "task") { ["Status"] = "InProgress" }, etag, TableUpdateMode.Replace, ct);
                return (Won: true, Ms: Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                return (Won: false, Ms: Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }).ToList();
        go.SetResult();
        var results = await Task.WhenAll(racers);
        await table.DeleteAsync(ct);
        return (results.Count(r => r.Won), results.Where(r => !r.Won).Select(r => r.Ms).ToList());
    }
}
