using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace FuncTasks.BrowserTests;

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard";
}

/// <summary>The LocalHost on a real loopback port (Kestrel, in process), a loopback target for http steps, and Debian's Chromium.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The launch arguments proven on these machines (see testing-notes.md, "Browser tests").</summary>
    public static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

    private IPlaywright? _playwright;

    public DashboardHost App { get; private set; } = null!;
    public TargetServer Target { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public HttpClient Operator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}. The browser tests drive Debian's Chromium: run `apt-get update && apt-get install -y chromium` " +
                "(.ci/run does). Do not run `playwright install`; it downloads browsers and fails here.");
        }

        Target = await TargetServer.StartAsync();
        App = new DashboardHost();
        App.StartServer();
        Operator = App.Operator();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Operator?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Target is not null)
        {
            await Target.DisposeAsync();
        }
    }
}

/// <summary>The real LocalHost (FuncTasksApp) listening with Kestrel on a free loopback port, so a browser can reach it.</summary>
public sealed class DashboardHost : FuncTasksApp
{
    public DashboardHost()
    {
        var port = Loopback.FreePort();
        Url = $"http://127.0.0.1:{port}";
        UseKestrel(port);
    }

    public string Url { get; }
}
