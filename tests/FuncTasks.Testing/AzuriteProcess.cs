using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FuncTasks.Testing;

/// <summary>
/// One Azurite child process from the repository's node_modules (<c>node_modules/.bin/azurite</c>) on loopback ports:
/// in memory, or with its data in a folder (<see cref="AzuriteStart.Location"/>). Tracked by <see cref="ChildProcesses"/>.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private static readonly string[] Services = ["Blob", "Queue", "Table"];
    private readonly Process _process;
    private readonly string _workingFolder;
    private readonly ConcurrentDictionary<string, byte> _closed = new();

    private AzuriteProcess(Process process, string workingFolder, bool persisted, int blob, int queue, int table)
    {
        _process = process;
        _workingFolder = workingFolder;
        Persisted = persisted;
        (BlobPort, QueuePort, TablePort) = (blob, queue, table);
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public int Pid => _process.Id;

    /// <summary>Whether its data is in a folder (it can be stopped gracefully and started again), not in memory.</summary>
    public bool Persisted { get; }

    public bool HasExited => _process.HasExited;

    public string ConnectionString => Azurite.ConnectionStringFor(BlobPort, QueuePort, TablePort);

    /// <summary>The connection string with the table and queue endpoints on other ports (proxies in front of this Azurite).</summary>
    public string ConnectionStringFor(int tablePort, int queuePort) => Azurite.ConnectionStringFor(BlobPort, queuePort, tablePort);

    /// <summary>Starts Azurite and returns once its blob, queue and table ports accept connections.</summary>
    public static async Task<AzuriteProcess> StartAsync(AzuriteStart? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AzuriteStart();
        var binary = Azurite.Binary;
        if (!File.Exists(binary))
        {
            if (!options.InstallIfMissing)
            {
                throw new InvalidOperationException($"Azurite is not installed at {binary}: run `npm ci` in {RepoRoot.Path} (scripts/test.sh does).");
            }

            if (new DirectoryInfo(Path.Combine(RepoRoot.Path, "node_modules")).LinkTarget is { } shared)
            {
                // npm ci deletes and rewrites node_modules: through a link that is another checkout's, perhaps while it runs.
                throw new InvalidOperationException($"Azurite is not installed at {binary}, and node_modules is a link to {shared}: run `npm ci` there.");
            }

            Console.WriteLine($"Azurite is not installed in {RepoRoot.Path}/node_modules: running npm ci");
            await NpmCiAsync(cancellationToken);
        }

        var workingFolder = Directory.CreateTempSubdirectory("functasks-azurite-").FullName;
        var (blob, queue, table) = (options.BlobPort ?? Loopback.FreePort(), options.QueuePort ?? Loopback.FreePort(), options.TablePort ?? Loopback.FreePort());
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingFolder,
        };
        var args = new List<string> { "--skipApiVersionCheck" };
        args.AddRange(options.Location is { } location ? ["--location", location] : ["--silent", "--inMemoryPersistence"]);
        if (options.DebugLog is { } debugLog)
        {
            args.AddRange(["--debug", debugLog]);
        }

        args.AddRange(
        [
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(CultureInfo.InvariantCulture),
        ]);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        ChildProcesses.Track(process);
        var azurite = new AzuriteProcess(process, workingFolder, options.Location is not null, blob, queue, table);
        process.OutputDataReceived += (_, e) => azurite.Saw(e.Data);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            void StillStarting()
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}.");
                }
            }

            await Loopback.WaitForPortAsync(table, "Azurite's table service", options.StartTimeout, StillStarting, cancellationToken);
            await Loopback.WaitForPortAsync(queue, "Azurite's queue service", options.StartTimeout, StillStarting, cancellationToken);
            // Durable's Azure Storage backend keeps its leases and large messages in blobs.
            await Loopback.WaitForPortAsync(blob, "Azurite's blob service", options.StartTimeout, StillStarting, cancellationToken);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    /// <summary>
    /// A graceful stop of a persisted Azurite: SIGTERM, which makes it save what it holds in memory (it otherwise saves
    /// about every 5 s) and close its services; its process then lingers for about 20 s (timers), so once every service
    /// says it closed, the process is ended. An Azurite in memory is simply killed.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        if (Persisted)
        {
            await ChildProcesses.TerminateAsync(_process);
            await Eventually.Value(
                () => Task.FromResult((Closed: _closed.Keys.ToArray(), Exited: _process.HasExited)),
                seen => seen.Exited || Services.All(seen.Closed.Contains),
                "Azurite closed its services after SIGTERM",
                TimeSpan.FromSeconds(30),
                TimeSpan.FromMilliseconds(25),
                seen => $"services closed: [{string.Join(", ", seen.Closed)}], exited: {seen.Exited}");
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    private void Saw(string? line)
    {
        // "Azurite Table service successfully closed"
        if (line is not null && line.EndsWith("service successfully closed", StringComparison.Ordinal))
        {
            _closed.TryAdd(Services.FirstOrDefault(s => line.Contains($" {s} ", StringComparison.Ordinal)) ?? line, 0);
        }
    }

    private static async Task NpmCiAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("npm") { WorkingDirectory = RepoRoot.Path, UseShellExecute = false };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            info.ArgumentList.Add(arg);
        }

        using var npm = Process.Start(info) ?? throw new InvalidOperationException("npm did not start.");
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci exited with {npm.ExitCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.StopAsync(_process);
        try
        {
            Directory.Delete(_workingFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
