using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;

namespace FuncTasks.Bench.Infrastructure;

/// <summary>The bits of the public API the bench drives (VCF Tasks dialect and the Processes dialect).</summary>
public static class TasksClient
{
    public static Dictionary<string, object?> Delay(string name, double seconds) => new()
    {
        ["name"] = name,
        ["action"] = "delay",
        ["params"] = new Dictionary<string, object> { ["seconds"] = new { longValue = (long)seconds, type = "LONG" } },
    };

    public static Dictionary<string, object?> HttpGet(string name, string url) => new()
    {
        ["name"] = name,
        ["action"] = "http",
        ["params"] = new Dictionary<string, object>
        {
            ["url"] = new { strValue = url, type = "STRING" },
            ["method"] = new { strValue = "GET", type = "STRING" },
        },
    };

    public static IEnumerable<Dictionary<string, object?>> Delays(int count) => Enumerable.Range(0, count).Select(i => Delay($"s{i}", 0));

    /// <summary>POST /v1/tasks; returns the task id and its step ids.</summary>
    public static async Task<(Guid Id, IReadOnlyList<string> StepIds)> CreateAsync(HttpClient http, string name, IEnumerable<Dictionary<string, object?>> steps, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/v1/tasks", new { name, type = "BENCH_RUN", steps = steps.ToList() }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /v1/tasks answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        var id = Guid.Parse(body.RootElement.GetProperty("id").GetString()!);
        var stepIds = body.RootElement.TryGetProperty("subTasks", out var subTasks) && subTasks.ValueKind == JsonValueKind.Array
            ? subTasks.EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList()
            : [];
        return (id, stepIds);
    }

    /// <summary>
    /// Runs <paramref name="tasks"/> tasks of <paramref name="steps"/> delay-0 steps on a freshly started host and waits for
    /// them, so that what is measured next runs JIT-optimised code over warm connections.
    /// </summary>
    public static async Task WarmUpAsync(HostUnderTest host, int tasks, int steps, CancellationToken cancellationToken)
    {
        var ids = await CreateManyAsync(host.Http, tasks, Math.Min(tasks, 8), _ => Delays(steps), cancellationToken);
        foreach (var id in ids)
        {
            await host.Raw.WaitForStatusAsync(id, "Succeeded", TimeSpan.FromSeconds(300), cancellationToken, pollMs: 50);
        }
    }

    /// <summary>Creates <paramref name="count"/> tasks with <paramref name="parallel"/> requests in flight.</summary>
    public static async Task<List<Guid>> CreateManyAsync(HttpClient http, int count, int parallel, Func<int, IEnumerable<Dictionary<string, object?>>> steps,
        CancellationToken cancellationToken, Action<int>? progress = null)
    {
        var ids = new Guid[count];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            ids[i] = (await CreateAsync(http, $"bench-{i}", steps(i), ct)).Id;
            var n = Interlocked.Increment(ref done);
            progress?.Invoke(n);
        });
        return [.. ids];
    }
}

/// <summary>The raw storage path: the same Azurite table the LocalHost uses, read with the SDK directly.</summary>
public sealed class RawStore(TableClient table)
{
    public TableClient Table => table;

    public async Task<string?> StatusAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(taskId.ToString("D"), "task", ["Status"], cancellationToken);
        return response.HasValue ? response.Value!.GetString("Status") : null;
    }

    public Task WaitForStatusAsync(Guid taskId, string status, TimeSpan timeout, CancellationToken cancellationToken, int pollMs = 10) =>
        Eventually.Value(() => StatusAsync(taskId, cancellationToken), seen => seen == status, $"task {taskId} reaches {status}", timeout,
            TimeSpan.FromMilliseconds(pollMs), seen => seen ?? "nothing", cancellationToken: cancellationToken);

    public async Task<int> CountAsync(string filter, CancellationToken cancellationToken)
    {
        var n = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, 1000, ["PartitionKey"], cancellationToken))
        {
            n++;
        }

        return n;
    }
}
