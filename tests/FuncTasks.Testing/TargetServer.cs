using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Testing;

/// <summary>
/// A real HTTP server (Kestrel) on 127.0.0.1 that <c>http</c> steps call: every path answers 200 "ok" for any method unless
/// the test sets its answer (status, body, a delay, a redirect), and counts its calls, its answers and the calls its caller
/// cancelled, so tests can prove which steps ran and how often; a test can hold a call (<see cref="OnCall"/>), wait for one
/// (<see cref="Entered"/>), or take the moment of the next one (<see cref="NextCall"/>: the bench's resume latency).
/// </summary>
public sealed class TargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, Behaviour> _behaviours = new();
    private readonly ConcurrentDictionary<string, int> _cancelled = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _entered = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _arrivals = new();
    private readonly ConcurrentDictionary<string, int> _answered = new();
    private readonly ConcurrentQueue<(string Path, int Attempt)> _log = new();

    private TargetServer(WebApplication app) => _app = app;

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Awaited when a call has arrived (and been counted), before it is answered: lets a test hold a call or act at that moment.</summary>
    public Func<string, Task>? OnCall { get; set; }

    /// <summary>Every call in arrival order, with the <c>x-functasks-attempt</c> header it carried (0 without one).</summary>
    public IReadOnlyList<(string Path, int Attempt)> CallLog => [.. _log];

    public static async Task<TargetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TargetServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.Single().TrimEnd('/');
        if (!server.BaseUrl.StartsWith("http://127.0.0.1:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The target server listens on {server.BaseUrl}, not on loopback.");
        }

        return server;
    }

    public string Url(string path) => $"{BaseUrl}/{Trim(path)}";

    /// <summary>Makes <paramref name="path"/> answer <paramref name="status"/> with <paramref name="body"/>, after <paramref name="delay"/> (cut short, and counted as cancelled, if the caller leaves).</summary>
    public void Respond(string path, int status, string body = "", TimeSpan? delay = null) =>
        _behaviours[Key(path)] = new Behaviour(status, body, delay ?? TimeSpan.Zero);

    /// <summary>Makes <paramref name="path"/> answer a redirect (301, 302, 303, 307, 308) to <paramref name="location"/>.</summary>
    public void Redirect(string path, int status, string location) =>
        _behaviours[Key(path)] = new Behaviour(status, string.Empty, TimeSpan.Zero, location);

    public int Calls(string path) => _calls.GetValueOrDefault(Key(path));

    public int Cancelled(string path) => _cancelled.GetValueOrDefault(Key(path));

    /// <summary>Calls whose answer was written out completely (the caller has it, unless it died meanwhile).</summary>
    public int Answered(string path) => _answered.GetValueOrDefault(Key(path));

    /// <summary>Completes when a call to <paramref name="path"/> has arrived (and is being answered).</summary>
    public Task Entered(string path) => _entered.GetOrAdd(Key(path), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Forgets earlier calls of the path; the next call completes the returned task with its arrival (a <see cref="Stopwatch"/> timestamp).</summary>
    public Task<long> NextCall(string path)
    {
        var source = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _arrivals[Key(path)] = source;
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

        _calls.AddOrUpdate(path, 1, (_, n) => n + 1);
        _log.Enqueue((path, int.TryParse(http.Request.Headers["x-functasks-attempt"], out var attempt) ? attempt : 0));
        _entered.GetOrAdd(path, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (OnCall is { } onCall)
        {
            await onCall(path);
        }

        var behaviour = _behaviours.GetValueOrDefault(path, Behaviour.Ok);
        if (behaviour.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(behaviour.Delay, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                _cancelled.AddOrUpdate(path, 1, (_, n) => n + 1);
                return;
            }
        }

        http.Response.StatusCode = behaviour.Status;
        if (behaviour.Location is { } location)
        {
            http.Response.Headers.Location = location;
        }

        await http.Response.WriteAsync(behaviour.Body);
        await http.Response.CompleteAsync();
        _answered.AddOrUpdate(path, 1, (_, n) => n + 1);
    }

    private static string Trim(string path) => path.TrimStart('/');

    private static string Key(string path) => "/" + Trim(path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Behaviour(int Status, string Body, TimeSpan Delay, string? Location = null)
    {
        public static readonly Behaviour Ok = new(200, "ok", TimeSpan.Zero);
    }
}
