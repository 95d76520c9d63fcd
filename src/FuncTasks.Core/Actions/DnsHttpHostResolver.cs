using System.Net;

namespace FuncTasks.Core.Actions;

/// <summary>The system resolver.</summary>
public sealed class DnsHttpHostResolver : IHttpHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
