using System.Collections.Concurrent;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Functions.Tests.Support;

[CollectionDefinition(FunctionsOnAzurite.Collection)]
public sealed class FunctionsOnAzuriteCollection : ICollectionFixture<FunctionsOnAzurite>;

/// <summary>
/// The Functions app as its host would run it, without the host (Core Tools cannot be installed here): one container built
/// by <see cref="FunctionsApp.AddFuncTasksFunctions"/> from the app's settings on Azurite (tables of its own), its hosted
/// services started and its options validated as on start; the real Durable engine in process
/// (<see cref="DurableTaskTestHost"/>, in-memory backend) running the app's own orchestrator and activity functions on
/// that container, so that they work on the same tables; and its HTTP functions (<see cref="Functions"/>) called with the
/// engine's <c>DurableTaskClient</c>. Next to it, the LocalHost on Azurite (<see cref="LocalHost"/>), and the loopback
/// server the http steps call (<see cref="Target"/>).
/// </summary>
public sealed class FunctionsOnAzurite : IAsyncLifetime
{
    public const string Collection = "Functions app on Azurite";

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IHostedService> _started = [];
    private ServiceProvider? _app;

    public TargetServer Target { get; private set; } = null!;

    public IServiceProvider App => _app ?? throw new InvalidOperationException("Not started.");

    public DurableTaskTestHost Durable { get; private set; } = null!;

    /// <summary>The orchestrator and activity functions registered with the Durable worker.</summary>
    public IReadOnlyList<string> DurableFunctionNames { get; private set; } = [];

    public HttpFunctionHost Functions { get; private set; } = null!;

    public LocalHostOnAzurite LocalHost { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync()
    {
        var storage = await Task.Run(() => Azurite.ConnectionString);
        Target = await TargetServer.StartAsync();

        var id = Guid.NewGuid().ToString("N")[..12];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(ApiKeys.Settings())
        {
            ["AzureWebJobsStorage"] = storage,
            ["FuncTasks:Storage:TablePrefix"] = "fn" + id,
            ["FuncTasks:Storage:QueueName"] = "fn-" + id,
            ["FuncTasks:Runner:Kind"] = "Durable",
            ["FuncTasks:Runner:ResumeTimeout"] = "00:05:00",
            ["FuncTasks:Runner:CancelCheckInterval"] = "00:00:00.250",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFuncTasksFunctions(configuration);
        _app = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // As the Functions worker's host does on start: options validated (ValidateOnStart), hosted services (the tables) started.
        _app.GetRequiredService<IStartupValidator>().Validate();
        foreach (var hosted in _app.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            _started.Add(hosted);
        }

        Durable = await DurableTaskTestHost.StartAsync(
            registry => DurableFunctionNames = DurableFunctions.Register(registry, _app, _stopping.Token),
            new DurableTaskTestHostOptions { Port = Loopback.FreePort() });
        Functions = new HttpFunctionHost(_app, Durable.Client);

        LocalHost = new LocalHostOnAzurite(storage);
        _ = LocalHost.Server; // starts it (its tables are created on start)
    }

    public async Task DisposeAsync()
    {
        await _stopping.CancelAsync();
        await LocalHost.DisposeAsync();
        await Durable.DisposeAsync();
        foreach (var hosted in Enumerable.Reverse(_started))
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await Target.DisposeAsync();
        _stopping.Dispose();
    }
}

/// <summary>Warnings and errors the Functions app logged, to show next to a failed assertion.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public string Recent(int count = 20) => string.Join(Environment.NewLine, _lines.TakeLast(count));

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
