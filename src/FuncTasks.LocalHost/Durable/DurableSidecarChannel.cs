using System.Net.Sockets;
using Grpc.Net.Client;

namespace FuncTasks.LocalHost.Durable;

/// <summary>
/// The gRPC channel between the Durable worker and client of this process and the engine's sidecar, over a Unix domain
/// socket of this process's own (no port to collide with, nothing reachable from the network). Created before the
/// container is built, since the worker and client take their channel at registration; it connects on first use.
/// </summary>
public sealed class DurableSidecarChannel : IDisposable
{
    public DurableSidecarChannel()
    {
        SocketPath = Path.Combine(Path.GetTempPath(), $"functasks-durable-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        Channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            },
        });
    }

    public string SocketPath { get; }

    public GrpcChannel Channel { get; }

    public void Dispose()
    {
        Channel.Dispose();
        File.Delete(SocketPath);
    }
}
