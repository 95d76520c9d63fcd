using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>
/// What the <c>http</c> steps call, on loopback: <c>/ok/{name}</c> answers 200, <c>/fail/{name}</c> answers 503; each
/// counts its calls. Kestrel, so that bursts are not dropped.
/// </summary>
public sealed class TargetServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = string.Empty;

    public string Ok(string name) => $"{BaseUrl}/ok/{name}";

    public string Fail(string name) => $"{BaseUrl}/fail/{name}";

    public int Calls(string name) => _calls.GetValueOrDefault(name);

    public static async Task<TargetServer> StartAsync()
    {
        var server = new TargetServer();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/ok/{name}", (string name) =>
        {
            server._calls.AddOrUpdate(name, 1, (_, n) => n + 1);
            return Results.Ok(new { name });
        });
        app.MapPost("/fail/{name}", (string name) =>
        {
            server._calls.AddOrUpdate(name, 1, (_, n) => n + 1);
            return Results.Text("maintenance window", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        await app.StartAsync();
        server._app = app;
        server.BaseUrl = app.Urls.Single().TrimEnd('/');
        Assert.StartsWith("http://127.0.0.1:", server.BaseUrl, StringComparison.Ordinal);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
