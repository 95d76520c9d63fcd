using System.Net;

namespace FuncTasks.Core.Actions;

/// <summary>Opens the TCP connection to an address the guard has allowed (a seam: tests record instead of connecting).</summary>
public interface IHttpConnector
{
    ValueTask<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken);
}
