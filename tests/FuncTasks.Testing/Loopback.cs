using System.Net;
using System.Net.Sockets;

namespace FuncTasks.Testing;

/// <summary>Free ports on 127.0.0.1, and waiting until a port accepts.</summary>
public static class Loopback
{
    /// <summary>A port that was free a moment ago (the OS picks it; a listener on it is closed at once).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Returns once 127.0.0.1:<paramref name="port"/> accepts a connection. <paramref name="stillStarting"/> is asked
    /// between tries; it throws when waiting longer is pointless (the process that should listen has exited).
    /// </summary>
    public static Task WaitForPortAsync(int port, string what, TimeSpan timeout, Action? stillStarting = null, CancellationToken cancellationToken = default) =>
        Eventually.Until(
            async () =>
            {
                stillStarting?.Invoke();
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return true;
            },
            $"{what} accepts connections on 127.0.0.1:{port}",
            timeout,
            cancellationToken: cancellationToken,
            retryOn: ex => ex is SocketException);
}
