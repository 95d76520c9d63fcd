using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>What the proxy does with storage traffic.</summary>
public enum StorageMode
{
    /// <summary>Forwards to Azurite.</summary>
    Up,

    /// <summary>Resets every connection at once (as a stopped service whose port refuses).</summary>
    Refuse,

    /// <summary>Answers every request <c>503 Server Busy</c> (as storage under an outage or throttling).</summary>
    ServerError,

    /// <summary>Accepts connections and never answers (storage that hangs).</summary>
    Hang,
}

/// <summary>
/// A loopback TCP proxy in front of one Azurite port, switchable between forwarding and the ways storage fails.
/// Switching closes the connections it holds, so pooled connections feel the outage at once. Loopback only.
/// </summary>
public sealed class StorageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly Task _accepting;
    private volatile StorageMode _mode = StorageMode.Up;

    public StorageProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public StorageMode Mode
    {
        get => _mode;
        set
        {
            _mode = value;
            foreach (var client in _open.Keys)
            {
                Close(client);
            }
        }
    }

    /// <summary>Azurite's connection string with the table and queue endpoints routed through two proxies.</summary>
    public static (string ConnectionString, StorageProxy Tables, StorageProxy Queues) InFrontOfAzurite()
    {
        var parts = Azurite.ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var tables = new StorageProxy(new Uri(parts["TableEndpoint"]).Port);
        var queues = new StorageProxy(new Uri(parts["QueueEndpoint"]).Port);
        parts["TableEndpoint"] = $"http://127.0.0.1:{tables.Port}/devstoreaccount1";
        parts["QueueEndpoint"] = $"http://127.0.0.1:{queues.Port}/devstoreaccount1";
        return (string.Join(';', parts.Select(p => $"{p.Key}={p.Value}")) + ";", tables, queues);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        _open[client] = 0;
        try
        {
            switch (_mode)
            {
                case StorageMode.Refuse:
                    client.Client.LingerState = new LingerOption(true, 0); // RST, not FIN
                    break;
                case StorageMode.ServerError:
                    await AnswerServerBusyAsync(client);
                    break;
                case StorageMode.Hang:
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    break;
                default:
                    using (var upstream = new TcpClient())
                    {
                        await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                        _open[upstream] = 0;
                        var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
                        var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                        await Task.WhenAny(a, b);
                        _open.TryRemove(upstream, out _);
                    }

                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // A connection closed by a mode switch or by either side: that is the point of the proxy.
        }
        finally
        {
            Close(client);
        }
    }

    private static async Task AnswerServerBusyAsync(TcpClient client)
    {
        var stream = client.GetStream();
        var buffer = new byte[64 * 1024];
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                return;
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        var answer = "HTTP/1.1 503 Server Busy\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
    }

    private void Close(TcpClient client)
    {
        _open.TryRemove(client, out _);
        try
        {
            client.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Mode = StorageMode.Refuse;
        await _accepting;
        _stop.Dispose();
    }
}
