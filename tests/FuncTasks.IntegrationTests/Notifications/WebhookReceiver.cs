using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Notifications;

/// <summary>
/// A loopback webhook receiver: records every POST (path, headers, body) and answers what the test says, by path and by
/// the number of the call to that path; a test can also hold calls until it releases them.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, Func<int, int>> _answers = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>While set, every call waits for it before it is answered (a receiver that hangs).</summary>
    public TaskCompletionSource? Hold { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    public string Url(string path) => $"{BaseUrl}/{path.TrimStart('/')}";

    /// <summary>Answers the n-th call (1-based) to the path with the status the function gives; 200 by default.</summary>
    public void Answer(string path, Func<int, int> status) => _answers["/" + path.TrimStart('/')] = status;

    public IReadOnlyList<Received> All => [.. _received];

    /// <summary>Calls to the path that have arrived, answered or not (a held call counts).</summary>
    public int Arrived(string path) => _counts.GetValueOrDefault("/" + path.TrimStart('/'));

    public IReadOnlyList<Received> At(string path) => _received.Where(r => r.Path == "/" + path.TrimStart('/')).ToList();

    /// <summary>Waits until the calls to the path satisfy the condition; fails with what arrived.</summary>
    public Task<IReadOnlyList<Received>> WaitForAsync(string path, Func<IReadOnlyList<Received>, bool> done, TimeSpan? timeout = null) =>
        Eventually.Value(() => Task.FromResult(At(path)), done, $"the receiver's {path} got the expected calls", timeout,
            describe: calls => string.Join(", ", calls.Select(c => $"{c.Type}({c.Status})")));

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = http.Request.Path.Value ?? "/";
        var n = _counts.AddOrUpdate(path, 1, (_, c) => c + 1);
        if (Hold is { } hold)
        {
            await Task.WhenAny(hold.Task, Task.Delay(Timeout.Infinite, http.RequestAborted));
            if (http.RequestAborted.IsCancellationRequested)
            {
                return;
            }
        }

        var status = _answers.TryGetValue(path, out var answer) ? answer(n) : 200;
        _received.Enqueue(new Received(
            path,
            http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body,
            http.Request.ContentType,
            status));
        http.Response.StatusCode = status;
        await http.Response.WriteAsync(status < 300 ? "ok" : "not now");
    }

    public async ValueTask DisposeAsync()
    {
        Hold?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One call as it arrived, with the status it was answered.</summary>
    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body, string? ContentType, int Status)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

        public string Type => (string?)Json["type"] ?? string.Empty;

        public string Id => Headers.GetValueOrDefault("webhook-id") ?? string.Empty;

        public string Subject => (string?)Json["subject"] ?? string.Empty;
    }
}
