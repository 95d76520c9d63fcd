using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Bench.Infrastructure;

/// <summary>
/// A loopback reverse proxy in front of Azurite's table endpoint that counts the requests by kind, so the bench
/// measures how many storage round trips a step really costs instead of assuming it.
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly string _target;
    private long _batches;
    private long _queries;
    private long _pointReads;
    private long _other;

    private CountingProxy(WebApplication app, string target)
    {
        _app = app;
        _target = target.TrimEnd('/');
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None });
    }

    public int Port { get; private set; }

    public StorageCounts Counts => new(Interlocked.Read(ref _batches), Interlocked.Read(ref _queries), Interlocked.Read(ref _pointReads), Interlocked.Read(ref _other));

    public static async Task<CountingProxy> StartAsync(string target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new CountingProxy(app, target);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        proxy.Port = new Uri(app.Urls.First()).Port;
        return proxy;
    }

    private async Task ForwardAsync(HttpContext http)
    {
        var request = http.Request;
        var path = request.Path.Value ?? "/";
        if (path.EndsWith("$batch", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _batches);
        }
        else if (HttpMethods.IsGet(request.Method) && path.Contains("(PartitionKey=", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _pointReads);
        }
        else if (HttpMethods.IsGet(request.Method))
        {
            Interlocked.Increment(ref _queries);
        }
        else
        {
            Interlocked.Increment(ref _other);
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), _target + path + request.QueryString.Value);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var body = new MemoryStream();
            await request.Body.CopyToAsync(body, http.RequestAborted);
            body.Position = 0;
            forward.Content = new StreamContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _client.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        http.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                http.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record StorageCounts(long Batches, long Queries, long PointReads, long Other)
{
    public static StorageCounts operator -(StorageCounts a, StorageCounts b) =>
        new(a.Batches - b.Batches, a.Queries - b.Queries, a.PointReads - b.PointReads, a.Other - b.Other);
}
