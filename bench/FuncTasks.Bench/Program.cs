using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using FuncTasks.Bench;
using FuncTasks.Bench.Infrastructure;
using FuncTasks.Bench.Reporting;
using FuncTasks.Bench.Scenarios;

var options = new BenchOptions();
string? redraw = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": options.Quick = true; break;
        case "--url": options.Url = args[++i]; break;
        case "--key": options.Key = args[++i]; break;
        case "--storage": options.Storage = args[++i]; break;
        case "--table-prefix": options.TablePrefix = args[++i]; break;
        case "--out": options.Output = args[++i]; break;
        case "--workers": options.Workers = int.Parse(args[++i], Inv.C); break;
        case "--tasks": options.Tasks = int.Parse(args[++i], Inv.C); break;
        case "--only":
            foreach (var n in args[++i].Split(','))
            {
                options.Only.Add(int.Parse(n, Inv.C));
            }

            break;
        case "--charts": redraw = args[++i]; break;
        case "--localhost-dll": options.LocalHostDll = Path.GetFullPath(args[++i]); break;
        case "-h" or "--help":
            Console.WriteLine("""
                FuncTasks benchmarks: each scenario measures FuncTasks (queue and Durable runners) and the raw storage path or
                the raw Durable Task Framework (the DTFx peer) in the same run.
                  --quick              2-3 minutes on a quiet 2-core machine (what CI runs); the full run takes ~15 minutes
                  --only 1,3           run only these scenarios (1 read, 2 throughput, 3 sequential, 4 resume, 5 listing, 6 contention, 7 memory,
                                       8 delay precision, 9 DTFx peer, 10 webhooks)
                  --url URL --key KEY  benchmark a running LocalHost instead of starting one
                  --storage CONN       its storage (for the raw path; default UseDevelopmentStorage=true), --table-prefix P
                  --workers N          queue workers of the started hosts where a scenario does not set them (default 16)
                  --tasks N            tasks of 10 steps per throughput point (default 200, quick 40; more for profiling)
                  --out DIR            where latest.json/latest.md/*.png go (default bench/results)
                  --charts FILE.json   only redraw the charts from a results file
                  --localhost-dll DLL  start this LocalHost build instead of the one next to the bench (A/B runs)
                Exit code: 0 when every scenario ran (missed targets are reported, not failed), 1 on errors.
                """);
            return 0;
        default:
            Console.Error.WriteLine($"Unknown argument {args[i]} (see --help)");
            return 2;
    }
}

var repoRoot = RepoRoot.Path;
var outDir = options.Output ?? Path.Combine(repoRoot, "bench", "results");
Directory.CreateDirectory(outDir);

if (redraw is not null)
{
    var stored = JsonSerializer.Deserialize<BenchResults>(await File.ReadAllTextAsync(redraw), Report.Json)!;
    foreach (var chart in Charts.Write(stored, outDir))
    {
        Console.WriteLine($"wrote {chart}");
    }

    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var ct = cancel.Token;
var results = new BenchResults { Mode = options.Quick ? "quick" : "full", StartedAt = DateTimeOffset.UtcNow, Machine = Machine(repoRoot) };
var clock = Stopwatch.GetTimestamp();
var temp = Directory.CreateTempSubdirectory("functasks-bench-").FullName;
Console.WriteLine($"FuncTasks bench ({results.Mode}) on {results.Machine.Nproc} cores, {results.Machine.MemoryGiB:F0} GiB, load {results.Machine.LoadBefore}; logs in {temp}");
if (double.TryParse(results.Machine.LoadBefore.Split(' ')[0], Inv.C, out var load) && load > 0.5 * Environment.ProcessorCount)
{
    Console.WriteLine($"  note: the machine is busy (load {load:F2} on {Environment.ProcessorCount} cores): absolute figures will be low; the ratios are measured in the same run.");
}

AzuriteProcess? azurite = null;
TargetServer? target = null;
BenchContext? context = null;
try
{
    if (!options.Remote)
    {
        Console.WriteLine("Starting Azurite (in memory, loopback, free ports)");
        azurite = await AzuriteProcess.StartAsync(new AzuriteStart { InstallIfMissing = true }, ct);
    }

    target = await TargetServer.StartAsync();
    context = new BenchContext(options, azurite, target, temp, results);
    var scenarios = new (int Id, string Title, Func<BenchContext, ScenarioResult, CancellationToken, Task> Run)[]
    {
        (1, "Read overhead", ReadOverhead.RunAsync),
        // The DTFx peer before the engine scenarios that compare both runners with it.
        (9, "DTFx peer", DurablePeer.RunAsync),
        (2, "Step throughput", Throughput.RunAsync),
        (3, "Sequential latency", Sequential.RunAsync),
        (4, "Resume latency", Resume.RunAsync),
        (8, "Delay precision", DelayPrecision.RunAsync),
        (6, "Contention", Contention.RunAsync),
        (7, "Memory", Memory.RunAsync),
        (10, "Webhooks", Webhooks.RunAsync),
        // Last: it leaves Azurite with the largest tables.
        (5, "Listing at scale", Listing.RunAsync),
    };
    foreach (var (id, title, run) in scenarios)
    {
        if (options.Only.Count > 0 && !options.Only.Contains(id))
        {
            continue;
        }

        if (id is not (9 or 2 or 3 or 4))
        {
            // The DTFx peer's worker polls Azurite while it runs: stopped once no scenario compares with it.
            await context.StopDtfxAsync();
        }

        Console.WriteLine($"[{id}] {title}");
        var result = new ScenarioResult { Id = id, Title = title, Load = LoadAverage() };
        results.Scenarios.Add(result);
        var started = Stopwatch.GetTimestamp();
        var retriesBefore = RetryAfterHandler.Count;
        try
        {
            await run(context, result, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            result.Error = ex.Message;
            results.Errors.Add($"scenario {id} ({title}): {ex.GetType().Name}: {ex.Message}");
            Console.WriteLine($"  ERROR: {ex}");
        }

        result.Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        result.ClientRetries = RetryAfterHandler.Count - retriesBefore;
        if (result.ClientRetries > 0)
        {
            result.Notes.Add($"the host answered 503/429 {result.ClientRetries} time(s) during this scenario; the bench's client retried after Retry-After, as a client should (its figures include those waits)");
        }
        foreach (var t in result.Targets)
        {
            Console.WriteLine($"  target {(t.Met ? "met   " : "MISSED")}: {t.Target} — {Report.Number(t.Value, t.Unit)}");
        }
    }
}
finally
{
    if (context is not null)
    {
        await context.StopDtfxAsync();
    }

    if (target is not null)
    {
        await target.DisposeAsync();
    }

    if (azurite is not null)
    {
        await azurite.DisposeAsync();
    }
}

results.DurationSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;
results.Targets = [.. results.Targets.OrderBy(t => t.Order)];
results.Scenarios.Sort((a, b) => a.Id.CompareTo(b.Id));
results.Machine.LoadAfter = LoadAverage();
Report.Console(results);
var json = Path.Combine(outDir, "latest.json");
await File.WriteAllTextAsync(json, JsonSerializer.Serialize(results, Report.Json));
await File.WriteAllTextAsync(Path.Combine(outDir, "latest.md"), Report.Markdown(results));
// The charts are drawn from the JSON just written, exactly as `--charts latest.json` would.
var reread = JsonSerializer.Deserialize<BenchResults>(await File.ReadAllTextAsync(json), Report.Json)!;
var charts = Charts.Write(reread, outDir);
Console.WriteLine($"\nwrote {json}, latest.md{(charts.Count > 0 ? ", " + string.Join(", ", charts.Select(Path.GetFileName)) : "")} in {outDir} ({results.DurationSeconds:F0} s)");
var missed = results.Scenarios.Sum(s => s.Targets.Count(t => !t.Met));
if (missed > 0)
{
    Console.WriteLine($"{missed} target(s) missed (reported, not failed).");
}

return results.Errors.Count == 0 ? 0 : 1;

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static MachineInfo Machine(string repoRoot)
{
    double memory = 0;
    var cpu = RuntimeInformation.ProcessArchitecture.ToString();
    if (File.Exists("/proc/meminfo"))
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        memory = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Inv.C) / 1048576.0;
    }

    if (File.Exists("/proc/cpuinfo"))
    {
        cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
    }

    var commit = "unknown";
    try
    {
        var info = new ProcessStartInfo("git", "rev-parse --short HEAD") { WorkingDirectory = repoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        using var git = Process.Start(info)!;
        commit = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
    }
    catch (System.ComponentModel.Win32Exception)
    {
    }

    return new MachineInfo
    {
        Nproc = Environment.ProcessorCount,
        MemoryGiB = memory,
        Cpu = cpu,
        Os = RuntimeInformation.OSDescription,
        Runtime = Environment.Version.ToString(),
        LoadBefore = LoadAverage(),
        Commit = commit,
    };
}
