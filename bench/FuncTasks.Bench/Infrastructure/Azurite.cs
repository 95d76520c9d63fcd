using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FuncTasks.Bench.Infrastructure;

/// <summary>Azurite from the repository's node_modules, on free loopback ports, data in memory.</summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly string _folder;

    private Azurite(Process process, string folder, int blob, int queue, int table)
    {
        _process = process;
        _folder = folder;
        (BlobPort, QueuePort, TablePort) = (blob, queue, table);
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public int Pid => _process.Id;

    public string ConnectionString => ConnectionStringFor(TablePort, QueuePort);

    public string ConnectionStringFor(int tablePort, int queuePort) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    public static async Task<Azurite> StartAsync(string repoRoot, CancellationToken cancellationToken)
    {
        var azurite = Path.Combine(repoRoot, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            Console.WriteLine($"Azurite is not installed in {repoRoot}/node_modules: running npm ci");
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], repoRoot, cancellationToken);
        }

        var folder = Directory.CreateTempSubdirectory("functasks-bench-azurite-").FullName;
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var info = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(Inv.C),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(Inv.C),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(Inv.C),
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var result = new Azurite(process, folder, blob, queue, table);
        ChildProcesses.Track(process);
        await WaitForPortAsync(table, process, TimeSpan.FromSeconds(30), cancellationToken);
        await WaitForPortAsync(queue, process, TimeSpan.FromSeconds(30), cancellationToken);
        return result;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}.");
                }

                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static async Task RunAsync(string file, string[] args, string folder, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = folder, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.StopAsync(_process);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
