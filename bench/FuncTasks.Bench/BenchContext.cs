using Azure.Data.Tables;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;

namespace FuncTasks.Bench;

public sealed class BenchOptions
{
    public bool Quick { get; set; }
    public string? Url { get; set; }
    public string? Key { get; set; }
    public string Storage { get; set; } = "UseDevelopmentStorage=true";
    public string TablePrefix { get; set; } = "FuncTasks";
    public string? Output { get; set; }
    public HashSet<int> Only { get; } = [];
    public bool Keep { get; set; }
    public int? Workers { get; set; }
    public int? Tasks { get; set; }

    public bool Remote => Url is not null;
}

/// <summary>What every scenario gets: Azurite, the target server, a way to start a LocalHostProcess with fresh tables.</summary>
public sealed class BenchContext(BenchOptions options, Azurite? azurite, TargetServer target, string tempDir, BenchResults results)
{
    private int _hosts;

    public BenchOptions Options => options;
    public bool Quick => options.Quick;
    public Azurite? Azurite => azurite;
    public TargetServer Target => target;
    public BenchResults Results => results;
    public string TempDir => tempDir;
    public string Storage => azurite?.ConnectionString ?? options.Storage;

    public static void Progress(string message) => Console.WriteLine($"  [{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>A LocalHostProcess with its own tables and queue (or the remote one given with --url).</summary>
    public async Task<HostUnderTest> StartHostAsync(string name, IDictionary<string, string>? settings = null, string? storage = null, CancellationToken cancellationToken = default)
    {
        if (options.Remote)
        {
            var remote = LocalHostProcess.Remote(options.Url!, options.Key ?? throw new ArgumentException("--url needs --key"));
            return new HostUnderTest(remote, new RawStore(new TableServiceClient(options.Storage).GetTableClient(options.TablePrefix + "Tasks")), options.TablePrefix);
        }

        var n = Interlocked.Increment(ref _hosts);
        var prefix = settings is not null && settings.TryGetValue("FuncTasks:Storage:TablePrefix", out var given)
            ? given
            : $"B{n}{new string(name.Where(char.IsAsciiLetterOrDigit).ToArray())}";
        var all = new Dictionary<string, string>
        {
            ["FuncTasks:Storage:TablePrefix"] = prefix,
            ["FuncTasks:Storage:QueueName"] = $"bench-{n}-{name.ToLowerInvariant()}",
            ["FuncTasks:Runner:Workers"] = (options.Workers ?? 16).ToString(Inv.C),
            // The benchmark is one client hammering with one key: measure the engine, not the per-key rate limit.
            ["FuncTasks:RateLimit:Enabled"] = "false",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            all[k] = v;
        }

        var host = await LocalHostProcess.StartAsync(storage ?? Storage, all, Path.Combine(tempDir, $"localhost-{n}-{name}.log"), cancellationToken);
        var raw = new RawStore(new TableServiceClient(Storage).GetTableClient(prefix + "Tasks"));
        return new HostUnderTest(host, raw, prefix);
    }

    public TableServiceClient TableService() => new(Storage);
}

public sealed class HostUnderTest(LocalHostProcess host, RawStore raw, string prefix) : IAsyncDisposable
{
    public LocalHostProcess Host => host;
    public HttpClient Http => host.Http;
    public RawStore Raw => raw;
    public string Prefix => prefix;

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
