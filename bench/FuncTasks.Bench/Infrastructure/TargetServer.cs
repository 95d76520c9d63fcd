using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Bench.Infrastructure;

/// <summary>
/// A loopback HTTP server that <c>http</c> steps call. Each path answers 200 unless told to fail, and the
/// moment of each call (Stopwatch timestamp) is recorded: "the restarted step's action being called".
/// </summary>
public sealed class TargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _status = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _delay = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _arrivals = new();

    private TargetServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    public static async Task<TargetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TargetServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First().TrimEnd('/');
        return server;
    }

    public string Url(string path) => $"{BaseUrl}/{path}";

    public void Answer(string path, int status, TimeSpan? delay = null)
    {
        _status["/" + path] = status;
        _delay["/" + path] = delay ?? TimeSpan.Zero;
    }

    /// <summary>Forgets earlier calls of the path; the next call completes the returned task with its timestamp.</summary>
    public Task<long> NextCall(string path)
    {
        var source = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _arrivals["/" + path] = source;
        return source.Task;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var now = Stopwatch.GetTimestamp();
        var path = http.Request.Path.Value ?? "/";
        if (_arrivals.TryGetValue(path, out var arrival))
        {
            arrival.TrySetResult(now);
        }

        if (_delay.GetValueOrDefault(path) is { Ticks: > 0 } delay)
        {
            await Task.Delay(delay, http.RequestAborted);
        }

        http.Response.StatusCode = _status.GetValueOrDefault(path, 200);
        await http.Response.WriteAsync(http.Response.StatusCode == 200 ? "ok" : "failing on purpose");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
