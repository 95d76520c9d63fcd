using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>
/// An Azurite of a test's own that can be stopped and started again: its data in a folder (not in memory), on
/// fixed loopback ports, so a restart serves the same tables and queues at the same address. Stopped with SIGTERM,
/// which makes Azurite save what it holds in memory (it otherwise saves about every 5 s) and close its services; its
/// process then lingers for about 20 s (timers), so once every service says it closed, the process is ended.
/// </summary>
public sealed class RestartableAzurite : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("functasks-azurite-").FullName;
    private readonly (int Blob, int Queue, int Table) _ports = (Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort());
    private static readonly string[] Services = ["Blob", "Queue", "Table"];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _closed = new();
    private Process? _process;

    private RestartableAzurite()
    {
    }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Azurite.AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_ports.Blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{_ports.Queue}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{_ports.Table}/devstoreaccount1;";

    public static async Task<RestartableAzurite> StartAsync()
    {
        var azurite = new RestartableAzurite();
        await azurite.RestartAsync();
        return azurite;
    }

    /// <summary>Starts it (again) on the same ports and folder and returns once the table and queue ports accept.</summary>
    public async Task RestartAsync()
    {
        var binary = Path.Combine(RepoRoot.Path, "node_modules", ".bin", "azurite");
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--skipApiVersionCheck", "--location", _folder,
            "--blobHost", "127.0.0.1", "--blobPort", _ports.Blob.ToString(CultureInfo()),
            "--queueHost", "127.0.0.1", "--queuePort", _ports.Queue.ToString(CultureInfo()),
            "--tableHost", "127.0.0.1", "--tablePort", _ports.Table.ToString(CultureInfo()),
        })
        {
            info.ArgumentList.Add(arg);
        }

        _closed.Clear();
        _process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, e) =>
        {
            // "Azurite Table service successfully closed"
            if (e.Data is { } line && line.EndsWith("service successfully closed", StringComparison.Ordinal))
            {
                _closed.TryAdd(Services.FirstOrDefault(s => line.Contains($" {s} ", StringComparison.Ordinal)) ?? line, 0);
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitForPortAsync(_ports.Table);
        await WaitForPortAsync(_ports.Queue);
    }

    /// <summary>SIGTERM (Azurite saves its data and closes its ports); once every service has closed, the process is ended.</summary>
    public async Task StopAsync()
    {
        if (_process is null or { HasExited: true })
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo()) }, UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Services.All(_closed.ContainsKey) && !_process.HasExited)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Azurite did not close its services after SIGTERM (closed: {string.Join(", ", _closed.Keys)}).");
            }

            await Task.Delay(25);
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    private async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && _process is { HasExited: false })
            {
                await Task.Delay(50);
            }
        }
    }

    private static IFormatProvider CultureInfo() => System.Globalization.CultureInfo.InvariantCulture;

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
