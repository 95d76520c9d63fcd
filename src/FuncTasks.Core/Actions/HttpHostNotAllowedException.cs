using FuncTasks.Core.Model;

namespace FuncTasks.Core.Actions;

/// <summary>
/// The SSRF guard refused a destination: a host not in <c>FuncTasks:Http:AllowedHosts</c>, or an address
/// (resolved, or a redirect's) that is private, loopback, link-local... and not listed. No connection was made.
/// </summary>
public sealed class HttpHostNotAllowedException(string message, string reason, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Why, in words ("host 'x' resolves to 10.0.0.5, a private address, ...").</summary>
    public string Reason { get; } = reason;
}
