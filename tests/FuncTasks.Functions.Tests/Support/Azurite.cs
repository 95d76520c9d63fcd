using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>
/// The real Azurite the Functions app's tests run against: the one named by FUNCTASKS_TEST_STORAGE (CI starts it), or
/// else one started here from the repository's node_modules on free loopback ports, in memory, once per test run.
/// (The minimal part of tests/FuncTasks.IntegrationTests/Infrastructure/Azurite.cs.)
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

        var azurite = Repository.PathOf("node_modules/.bin/azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run `npm ci` in {Repository.Root} (scripts/test.sh does), or name a running one in FUNCTASKS_TEST_STORAGE.");
        }

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var info = new ProcessStartInfo(azurite) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
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
        WaitForPort(blob, TimeSpan.FromSeconds(30));
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

                using var wait = new ManualResetEventSlim();
                wait.Wait(50);
            }
        }
    }
}
