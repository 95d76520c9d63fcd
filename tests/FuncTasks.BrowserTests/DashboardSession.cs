using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FuncTasks.BrowserTests;

/// <summary>
/// One browser tab on the dashboard (its own context, so its own session storage). Collects uncaught page errors and
/// static files that failed to load, and on failure saves a screenshot next to the others in artifacts/test-results/screenshots.
/// </summary>
public sealed class DashboardSession : IAsyncDisposable
{
    /// <summary>Paths the dashboard calls as APIs (their 4xx answers are part of the scenarios); everything else is a static file.</summary>
    private static readonly string[] ApiPrefixes = ["/v1/", "/api/", "/tasks/", "/dashboard/"];

    private readonly IBrowserContext _context;
    private readonly List<string> _pageErrors = [];

    private DashboardSession(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.PageError += (_, error) =>
        {
            lock (_pageErrors)
            {
                _pageErrors.Add(error);
            }
        };
        page.Response += (_, response) =>
        {
            var path = new Uri(response.Url).AbsolutePath;
            if (response.Status >= 400 && !ApiPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
            {
                lock (_pageErrors)
                {
                    _pageErrors.Add($"{response.Status} for the static file {path}");
                }
            }
        };
    }

    public IPage Page { get; }

    public static string ScreenshotFolder { get; } = Path.Combine(RepoRoot.Path, "artifacts", "test-results", "screenshots");

    public static async Task<DashboardSession> OpenAnonymousAsync(DashboardFixture fixture)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.Url,
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        var session = new DashboardSession(context, await context.NewPageAsync());
        await session.Page.GotoAsync("/");
        return session;
    }

    public static async Task<DashboardSession> OpenAsync(DashboardFixture fixture, string key, string path = "/")
    {
        var session = await OpenAnonymousAsync(fixture);
        await session.Page.GetByTestId("key-input").FillAsync(key);
        await session.Page.GetByTestId("key-submit").ClickAsync();
        await Expect(session.Page.GetByTestId("who")).ToBeVisibleAsync();
        if (path != "/")
        {
            await session.Page.GotoAsync(path);
        }

        return session;
    }

    public ILocator Header => Page.GetByTestId("task-header");

    public ILocator Step(string name) => Page.Locator($"[data-testid='step'][data-step-name='{name}']");

    public ILocator Row(string taskId) => Page.Locator($"[data-testid='task-row'][data-task-id='{taskId}']");

    public async Task OpenTaskAsync(string taskId)
    {
        await Page.GotoAsync($"/#/tasks/{taskId}");
        await Expect(Page.GetByTestId("task-id")).ToHaveTextAsync(taskId);
    }

    /// <summary>Saves a PNG in the artifacts folder and, with FUNCTASKS_UPDATE_SCREENSHOTS=1, in docs/screenshots for the README.</summary>
    public async Task<string> ScreenshotAsync(string name, bool fullPage = true)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        if (Environment.GetEnvironmentVariable("FUNCTASKS_UPDATE_SCREENSHOTS") == "1")
        {
            var docs = Path.Combine(RepoRoot.Path, "docs", "screenshots");
            Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, name + ".png"), overwrite: true);
        }

        return path;
    }

    /// <summary>Runs a scenario; on failure keeps a screenshot of what the browser showed. Always checks no script error escaped.</summary>
    public async Task RunAsync(string scenario, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            await ScreenshotAsync("failure-" + scenario);
            throw;
        }

        lock (_pageErrors)
        {
            Assert.True(_pageErrors.Count == 0, "Uncaught errors in the page: " + string.Join("\n", _pageErrors));
        }
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}

/// <summary>Tasks made through the API for the dashboard to show.</summary>
public static class Scenario
{
    public static string Unique(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..6]}";

    public static JsonObject HttpStep(string name, string url, long timeoutSeconds = 5) =>
        TestApi.HttpStep(name, url, "POST", timeoutSeconds);

    public static JsonObject LongDelay(string name, long seconds) =>
        new() { ["name"] = name, ["action"] = "delay", ["params"] = new JsonObject { ["seconds"] = TestApi.Param(seconds) } };

    /// <summary>A step that waits until someone completes it through the API (or the dashboard).</summary>
    public static JsonObject External(string name) => new() { ["name"] = name, ["action"] = "external" };

    /// <summary>A step that waits until the given tasks have succeeded.</summary>
    public static JsonObject AwaitTasks(string name, params string[] taskIds) =>
        new() { ["name"] = name, ["action"] = "await-tasks", ["params"] = new JsonObject { ["taskIds"] = TestApi.Param(string.Join(',', taskIds)) } };

    /// <summary>A Flatfile job an agent would do (one external step), started at once: it is "ready" until an agent acks it.</summary>
    public static async Task<string> CreateAgentJobAsync(HttpClient client, string operation)
    {
        var response = await client.PostAsJsonAsync("/v1/jobs", new JsonObject
        {
            ["type"] = "file", ["operation"] = operation, ["source"] = "us_fl_dashboard", ["trigger"] = "immediate",
        });
        var body = await response.ReadJsonAsync();
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        Assert.Equal("ready", body["data"]!["status"].Str());
        return body["data"]!["id"].Str();
    }

    public static async Task<string> CreateAsync(HttpClient client, string name, string type, params JsonObject[] steps)
    {
        var task = TestApi.Task(name, steps);
        task["type"] = type;
        var created = await client.CreateTaskAsync(task);
        return created["id"].Str();
    }
}
