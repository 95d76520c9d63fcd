using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FuncTasks.Core.Actions;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>
/// The http action's network seams for tests, so the SSRF guard is proven without a packet leaving the machine even
/// if the guard were broken: names resolve from a table (never a real DNS query; an unknown name fails the step), and
/// the connector records every endpoint it is asked for, connects loopback endpoints and the public ones a test routes
/// to a loopback server, and refuses (records and throws) everything else.
/// </summary>
public sealed class InterceptedNetwork : IHttpHostResolver, IHttpConnector
{
    public const string InterceptedMessage = "The test intercepted a connection";

    private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<IPEndPoint, IPEndPoint> _routes = new();

    /// <summary>Every endpoint the guard let the action connect to, in order.</summary>
    public ConcurrentQueue<IPEndPoint> Connects { get; } = new();

    /// <summary>Every name the guard resolved.</summary>
    public ConcurrentQueue<string> Lookups { get; } = new();

    /// <summary>The endpoints asked for that are not loopback.</summary>
    public IReadOnlyList<IPEndPoint> OffLoopback => Connects.Where(e => !IPAddress.IsLoopback(e.Address)).ToList();

    /// <summary>Registers these seams in place of DNS and sockets.</summary>
    public void Install(IServiceCollection services)
    {
        services.AddSingleton<IHttpHostResolver>(this);
        services.AddSingleton<IHttpConnector>(this);
    }

    public InterceptedNetwork Resolve(string name, params string[] addresses)
    {
        _names[name] = addresses.Select(IPAddress.Parse).ToArray();
        return this;
    }

    /// <summary>A connection to <paramref name="publicEndpoint"/> goes to the loopback server at <paramref name="loopbackUrl"/> instead.</summary>
    public InterceptedNetwork Route(IPEndPoint publicEndpoint, string loopbackUrl)
    {
        var uri = new Uri(loopbackUrl);
        var target = new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
        Assert.True(IPAddress.IsLoopback(target.Address), $"Routes lead to loopback only, not {target}.");
        _routes[publicEndpoint] = target;
        return this;
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Lookups.Enqueue(host);
        return _names.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : throw new HttpRequestException($"The test resolver does not know '{host}' (no real DNS query is made).");
    }

    public async ValueTask<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        Connects.Enqueue(endpoint);
        var to = _routes.GetValueOrDefault(endpoint) ?? (IPAddress.IsLoopback(endpoint.Address) ? endpoint : null);
        if (to is null || !IPAddress.IsLoopback(to.Address))
        {
            throw new HttpRequestException($"{InterceptedMessage} to {endpoint}; nothing was sent.");
        }

        var socket = new Socket(to.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(to, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
