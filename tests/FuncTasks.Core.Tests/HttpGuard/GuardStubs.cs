using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FuncTasks.Core.Actions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Tests.HttpGuard;

/// <summary>Answers from a table and records every question; a name it does not know fails the test (no real DNS query).</summary>
internal sealed class StubResolver : IHttpHostResolver
{
    private readonly Dictionary<string, IPAddress[]> _answers = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<string> Questions { get; } = new();

    public StubResolver Answer(string host, params string[] addresses)
    {
        _answers[host] = addresses.Select(IPAddress.Parse).ToArray();
        return this;
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Questions.Enqueue(host);
        return _answers.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : throw new InvalidOperationException($"The test resolver was asked for '{host}', which the test did not expect.");
    }
}

/// <summary>
/// Records every endpoint the guard lets through and never opens a socket off loopback: an endpoint the test routed
/// is connected to the loopback endpoint it maps to, a loopback endpoint to itself, anything else throws.
/// </summary>
internal sealed class RecordingConnector : IHttpConnector
{
    public ConcurrentQueue<IPEndPoint> Attempts { get; } = new();

    public Dictionary<IPEndPoint, IPEndPoint> Routes { get; } = [];

    public Dictionary<IPEndPoint, Func<Stream>> Streams { get; } = [];

    public async ValueTask<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        Attempts.Enqueue(endpoint);
        if (Streams.TryGetValue(endpoint, out var stream))
        {
            return stream();
        }

        var to = Routes.GetValueOrDefault(endpoint) ?? (IPAddress.IsLoopback(endpoint.Address) ? endpoint : null);
        if (to is null || !IPAddress.IsLoopback(to.Address))
        {
            throw new HttpRequestException($"The test intercepted a connection to {endpoint}; nothing was sent.");
        }

        var socket = new Socket(to.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
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

/// <summary>A one-line HTTP/1.1 server on 127.0.0.1 that answers every request with the same response and keeps the requests' heads.</summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _status;
    private readonly string _body;

    public LoopbackHttpServer(string status = "200 OK", string body = "ok")
    {
        (_status, _body) = (status, body);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public ConcurrentQueue<string> Requests { get; } = new();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await AnswerAsync(client.GetStream());
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                {
                    // the client went away (it read its excerpt and closed) or the server is stopping
                }
            }
        }
    }

    private async Task AnswerAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        Requests.Enqueue(head.ToString());
        var body = Encoding.UTF8.GetBytes(_body);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {_status}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), _stop.Token);
        await stream.WriteAsync(body, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

internal static class Guards
{
    public static HttpActionOptions Options(params string[] allowedHosts)
    {
        var options = new HttpActionOptions();
        foreach (var host in allowedHosts)
        {
            options.AllowedHosts.Add(host);
        }

        return options;
    }

    public static HttpDestinationGuard Guard(HttpActionOptions options, IHttpHostResolver? resolver = null, IHttpConnector? connector = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), resolver ?? new StubResolver(), connector ?? new RecordingConnector(),
            NullLogger<HttpDestinationGuard>.Instance);
}
