using Azure.Data.Tables;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Peer;
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
    private DtfxPeer? _dtfx;
    private int _hosts;
    private int _hubs;

    public BenchOptions Options => options;
    public bool Quick => options.Quick;
    public AzuriteProcess? Azurite => azurite;
    public TargetServer Target => target;
    public BenchResults Results => results;
    public string TempDir => tempDir;
    public string Storage => azurite?.ConnectionString ?? options.Storage;

    /// <summary>Both runners on started hosts; a remote host (--url) runs whichever it runs.</summary>
    public IReadOnlyList<RunnerKind> RunnersToMeasure => options.Remote ? [RunnerKind.Queue] : RunnerKinds.Both;

    public static void Progress(string message) => Console.WriteLine($"  [{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>A LocalHostProcess on the given runner; the Durable one gets a task hub of its own (one per host start).</summary>
    public Task<HostUnderTest> StartHostAsync(string name, RunnerKind runner, IDictionary<string, string>? settings = null, string? storage = null, CancellationToken cancellationToken = default)
    {
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
        if (runner == RunnerKind.Durable)
        {
            all["FuncTasks:Runner:Kind"] = "Durable";
            if (!all.ContainsKey("FuncTasks:Runner:Durable:TaskHub"))
            {
                var hub = $"B{Interlocked.Increment(ref _hubs)}{new string(name.Where(char.IsAsciiLetterOrDigit).ToArray())}{Environment.ProcessId}";
                all["FuncTasks:Runner:Durable:TaskHub"] = hub.Length > 45 ? hub[..45] : hub;
            }
        }

        if (runner == RunnerKind.Queue || options.Remote)
        {
            return StartHostAsync(name, all, storage, cancellationToken);
        }

        return StartDurableAsync(name + "-durable", all, storage, cancellationToken);
    }

    private async Task<HostUnderTest> StartDurableAsync(string name, Dictionary<string, string> settings, string? storage, CancellationToken cancellationToken)
    {
        var host = await StartHostAsync(name, settings, storage, cancellationToken);
        var hub = settings["FuncTasks:Runner:Durable:TaskHub"];
        var connection = storage ?? Storage;
        var tables = host.AfterDispose;
        host.AfterDispose = async () =>
        {
            await DtfxPeer.DeleteHubAsync(connection, hub);
            if (tables is not null)
            {
                await tables();
            }
        };
        return host;
    }

    /// <summary>
    /// The DTFx peer (extended sessions), started on first use and kept running through the scenarios that compare with
    /// it, so that its figures are measured next to FuncTasks' (the machine's load moves both alike); stopped before the others.
    /// </summary>
    public async Task<DtfxPeer> DtfxAsync(CancellationToken cancellationToken)
    {
        if (_dtfx is null)
        {
            var settings = new DtfxSettings { TaskHub = $"BenchDtfx{Environment.ProcessId}" };
            Progress($"DTFx peer: starting (task hub {settings.TaskHub})");
            _dtfx = await DtfxPeer.StartAsync(Storage, settings, cancellationToken);
            results.Peer ??= new PeerResults();
            results.Peer.Settings = settings.Describe();
            results.Peer.WarmUpSeconds = settings.WarmUpSeconds;
            Progress($"DTFx peer: ready after {settings.WarmUpSeconds:F1} s");
        }

        return _dtfx;
    }

    public PeerResults Peer => results.Peer ??= new PeerResults();

    public async Task StopDtfxAsync()
    {
        if (_dtfx is not null)
        {
            await _dtfx.DisposeAsync();
            _dtfx = null;
        }
    }

    /// <summary>One of issue 17's targets: ours against its reference, ratio = ours ÷ reference.</summary>
    public void AddTarget(string name, double ours, double reference, string goal, bool met, string unit, int order) =>
        results.Targets.Add(new TargetEntry(name, ours, reference, reference > 0 ? ours / reference : null, goal, met, unit) { Order = order });

    public void Figure(string measure, string runner, double value, string unit) =>
        results.Runners.Add(new RunnerFigure(measure, runner, value, unit));

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
        var queue = all["FuncTasks:Storage:QueueName"]!;
        return new HostUnderTest(host, host.Url, HostUnderTest.CreateClient(host.Url, key), raw, prefix)
        {
            // Azurite keeps everything in one Node heap: a scenario's tables left behind slow every later request
            // (its queries scan whole collections, its garbage collections grow), so each host's storage goes with it.
            AfterDispose = () => DeleteStorageAsync(prefix, queue),
        };
    }

    /// <summary>Deletes the tables named with <paramref name="prefix"/> and the queue a bench host used.</summary>
    public async Task DeleteStorageAsync(string prefix, string queue)
    {
        try
        {
            var service = TableService();
            var names = new List<string>();
            await foreach (var table in service.QueryAsync(maxPerPage: 1000))
            {
                if (table.Name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    names.Add(table.Name);
                }
            }

            foreach (var name in names)
            {
                await service.DeleteTableAsync(name);
            }

            await new Azure.Storage.Queues.QueueServiceClient(Storage).GetQueueClient(queue).DeleteIfExistsAsync();
        }
        catch (Azure.RequestFailedException ex)
        {
            Progress($"could not delete the storage of host {prefix}: {ex.Message}");
        }
    }

    public TableServiceClient TableService() => new(Storage);
}

public enum RunnerKind
{
    Queue,
    Durable,
}

public static class RunnerKinds
{
    public static readonly RunnerKind[] Both = [RunnerKind.Queue, RunnerKind.Durable];

    public static string Label(this RunnerKind runner) => runner == RunnerKind.Queue ? Runners.Queue : Runners.Durable;

    public static string Short(this RunnerKind runner) => runner == RunnerKind.Queue ? "queue" : "Durable";
}
