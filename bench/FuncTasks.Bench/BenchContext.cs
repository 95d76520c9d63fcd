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

    /// <summary>The LocalHost the bench starts: the one built next to it, or another build given with <c>--localhost-dll</c> (an A/B run).</summary>
    public string LocalHostDll { get; set; } = LocalHostProcess.BuiltDll;

    public bool Remote => Url is not null;
}

/// <summary>What every scenario gets: Azurite, the target server, a way to start a LocalHostProcess with fresh tables.</summary>
public sealed class BenchContext(BenchOptions options, AzuriteProcess? azurite, TargetServer target, string tempDir, BenchResults results)
{
    private int _hosts;

    public BenchOptions Options => options;
    public bool Quick => options.Quick;
    public AzuriteProcess? Azurite => azurite;
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
            var url = options.Url!.TrimEnd('/');
            var http = HostUnderTest.CreateClient(url, options.Key ?? throw new ArgumentException("--url needs --key"));
            return new HostUnderTest(null, url, http, new RawStore(new TableServiceClient(options.Storage).GetTableClient(options.TablePrefix + "Tasks")), options.TablePrefix);
        }

        var n = Interlocked.Increment(ref _hosts);
        var prefix = settings is not null && settings.TryGetValue("FuncTasks:Storage:TablePrefix", out var given)
            ? given
            : $"B{n}{new string(name.Where(char.IsAsciiLetterOrDigit).ToArray())}";
        var key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var all = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage ?? Storage,
            ["FuncTasks:Auth:Keys:0:Name"] = "bench",
            ["FuncTasks:Auth:Keys:0:Secret"] = key,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
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

        var start = new LocalHostStart
        {
            DllPath = options.LocalHostDll,
            LogFile = Path.Combine(tempDir, $"localhost-{n}-{name}.log"),
            ReadyTimeout = TimeSpan.FromSeconds(60),
        };
        var host = await LocalHostProcess.StartAsync(all, start, cancellationToken);
        var raw = new RawStore(new TableServiceClient(Storage).GetTableClient(prefix + "Tasks"));
        return new HostUnderTest(host, host.Url, HostUnderTest.CreateClient(host.Url, key), raw, prefix);
    }

    public TableServiceClient TableService() => new(Storage);
}
