using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 that steps call: every path answers what the test sets (status, body,
/// a delay) and counts its calls, so tests can prove which steps ran and how often.
/// </summary>
public sealed class TargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, Behaviour> _behaviours = new();
    private readonly ConcurrentDictionary<string, int> _cancelled = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _entered = new();
    private readonly ConcurrentDictionary<string, int> _answered = new();
    private readonly ConcurrentQueue<(string Path, int Attempt)> _log = new();

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

    public string Url(string path) => $"{BaseUrl}/{path.TrimStart('/')}";

    public void Respond(string path, int status, string body = "", TimeSpan? delay = null) =>
        _behaviours["/" + path.TrimStart('/')] = new Behaviour(status, body, delay ?? TimeSpan.Zero);

    /// <summary>Makes <paramref name="path"/> answer a redirect (301, 302, 303, 307, 308) to <paramref name="location"/>.</summary>
    public void Redirect(string path, int status, string location) =>
        _behaviours["/" + path.TrimStart('/')] = new Behaviour(status, string.Empty, TimeSpan.Zero, location);

    public int Calls(string path) => _calls.GetValueOrDefault("/" + path.TrimStart('/'));

    public int Cancelled(string path) => _cancelled.GetValueOrDefault("/" + path.TrimStart('/'));

    /// <summary>Calls whose answer was written out completely (the caller has it, unless it died meanwhile).</summary>
    public int Answered(string path) => _answered.GetValueOrDefault("/" + path.TrimStart('/'));

    /// <summary>Every call in arrival order, with the <c>x-functasks-attempt</c> header it carried (0 without one).</summary>
    public IReadOnlyList<(string Path, int Attempt)> CallLog => [.. _log];

    /// <summary>Awaited when a call has arrived (and been counted), before it is answered: lets a test hold a call or act at that moment.</summary>
    public Func<string, Task>? OnCall { get; set; }

    /// <summary>Completes when a call to <paramref name="path"/> has arrived (and is being answered).</summary>
    public Task Entered(string path) => _entered.GetOrAdd("/" + path.TrimStart('/'), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        _calls.AddOrUpdate(path, 1, (_, n) => n + 1);
        _log.Enqueue((path, int.TryParse(http.Request.Headers["x-functasks-attempt"], out var attempt) ? attempt : 0));
        _entered.GetOrAdd(path, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (OnCall is { } onCall)
        {
            await onCall(path);
        }

        var behaviour = _behaviours.GetValueOrDefault(path, new Behaviour(200, "ok", TimeSpan.Zero));
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Behaviour(int Status, string Body, TimeSpan Delay, string? Location = null);
}
