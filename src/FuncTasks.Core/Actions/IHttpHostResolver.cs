using System.Net;

namespace FuncTasks.Core.Actions;

/// <summary>Resolves a host name to addresses for the <c>http</c> action's connections (a seam: tests never query DNS).</summary>
public interface IHttpHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}
