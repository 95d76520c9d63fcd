using System.Net.Http.Headers;
using FuncTasks.Bench.Infrastructure;

namespace FuncTasks.Bench;

/// <summary>
/// A LocalHost the bench measures: a child process it started (<see cref="LocalHostProcess"/>), or a running one given
/// with <c>--url</c>/<c>--key</c>; an operator client for its API and the raw path to its tasks table.
/// </summary>
public sealed class HostUnderTest(LocalHostProcess? process, string url, HttpClient http, RawStore raw, string prefix) : IAsyncDisposable
{
    public string Url => url;
    public HttpClient Http => http;
    public RawStore Raw => raw;
    public string Prefix => prefix;
    public bool IsChild => process is not null;

    /// <summary>Runs after the host stopped (its tables and queue are deleted; the Durable runner's task hub too).</summary>
    public Func<Task>? AfterDispose { get; set; }

    /// <summary>Keep its tables and queue when it stops (a scenario that lists them again with another host).</summary>
    public bool KeepStorage { get; set; }

    /// <summary>The child's resident memory; null for a remote host.</summary>
    public long? WorkingSetBytes() => process?.WorkingSetBytes();

    /// <summary>A client for many concurrent requests with the operator key; it retries a 503/429 after its Retry-After (<see cref="RetryAfterHandler"/>).</summary>
    public static HttpClient CreateClient(string url, string key)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 512,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        var client = new HttpClient(new RetryAfterHandler(handler)) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (process is not null)
        {
            await process.DisposeAsync();
        }

        if (AfterDispose is not null && !KeepStorage)
        {
            await AfterDispose();
        }
    }
}
