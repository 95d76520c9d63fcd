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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long[]> _byTable = new(StringComparer.Ordinal);

    private CountingProxy(WebApplication app, string target)
    {
        _app = app;
        _target = target.TrimEnd('/');
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None });
    }

    public int Port { get; private set; }

    public StorageCounts Counts => new(Interlocked.Read(ref _batches), Interlocked.Read(ref _queries), Interlocked.Read(ref _pointReads), Interlocked.Read(ref _other));

    /// <summary>The requests to the tables whose names match (a batch counts for the table of its first operation).</summary>
    public StorageCounts CountsFor(Func<string, bool> table)
    {
        long batches = 0, queries = 0, pointReads = 0, other = 0;
        foreach (var (name, counts) in _byTable)
        {
            if (table(name))
            {
                batches += Interlocked.Read(ref counts[0]);
                queries += Interlocked.Read(ref counts[1]);
                pointReads += Interlocked.Read(ref counts[2]);
                other += Interlocked.Read(ref counts[3]);
            }
        }

        return new StorageCounts(batches, queries, pointReads, other);
    }

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
        MemoryStream? body = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            body = new MemoryStream();
            await request.Body.CopyToAsync(body, http.RequestAborted);
            body.Position = 0;
        }

        int kind;
        if (path.EndsWith("$batch", StringComparison.Ordinal))
        {
            kind = 0;
            Interlocked.Increment(ref _batches);
        }
        else if (HttpMethods.IsGet(request.Method) && path.Contains("(PartitionKey=", StringComparison.Ordinal))
        {
            kind = 2;
            Interlocked.Increment(ref _pointReads);
        }
        else if (HttpMethods.IsGet(request.Method))
        {
            kind = 1;
            Interlocked.Increment(ref _queries);
        }
        else
        {
            kind = 3;
            Interlocked.Increment(ref _other);
        }

        var table = TableOf(kind == 0 && body is not null ? System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length) : path);
        Interlocked.Increment(ref _byTable.GetOrAdd(table, _ => new long[4])[kind]);

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), _target + path + request.QueryString.Value);
        if (body is not null)
        {
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

    /// <summary>The table a request addresses: the segment after the account in its path (for a batch, of its first operation).</summary>
    private static string TableOf(string pathOrBatch)
    {
        var at = pathOrBatch.IndexOf("devstoreaccount1/", StringComparison.Ordinal);
        for (; at >= 0; at = pathOrBatch.IndexOf("devstoreaccount1/", at + 1, StringComparison.Ordinal))
        {
            var start = at + "devstoreaccount1/".Length;
            var end = start;
            while (end < pathOrBatch.Length && char.IsAsciiLetterOrDigit(pathOrBatch[end]))
            {
                end++;
            }

            var name = pathOrBatch[start..end];
            if (name.Length > 0 && name != "batch")
            {
                return name;
            }
        }

        return "?";
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
