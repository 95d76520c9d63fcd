using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>
/// The real Azurite every integration test runs against: the one given in FUNCTASKS_TEST_STORAGE (CI starts
/// it), or else one started here from the repository's node_modules on free loopback ports, in memory.
/// </summary>
public static class Azurite
{
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly Lazy<string> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static Process? _process;

    public static string ConnectionString => Shared.Value;

    private static string Start()
    {
        var given = Environment.GetEnvironmentVariable("FUNCTASKS_TEST_STORAGE");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        var root = RepoRoot.Path;
        var azurite = System.IO.Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run `npm ci` in {root} (scripts/test.sh does).");
        }

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var info = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
        })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        WaitForPort(table, TimeSpan.FromSeconds(30));
        WaitForPort(queue, TimeSpan.FromSeconds(30));
        WaitForPort(blob, TimeSpan.FromSeconds(30)); // Durable's Azure Storage backend keeps its leases and large messages in blobs
        return $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
               $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
               $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    private static void Stop()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WaitForPort(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                if (_process is { HasExited: true })
                {
                    throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode}.");
                }

                Thread.Yield();
                using var wait = new ManualResetEventSlim();
                wait.Wait(50);
            }
        }
    }
}

public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var built = typeof(RepoRoot).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (built is not null && File.Exists(System.IO.Path.Combine(built, "FuncTasks.sln")))
        {
            return built;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "FuncTasks.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FuncTasks.sln not found above the test output folder.");
    }
}
