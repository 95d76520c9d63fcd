namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>
/// A test class with a LocalHost of its own (own tables and queue on the shared Azurite), an operator client,
/// and a loopback target server for its steps to call.
/// </summary>
public abstract class AppTest : IAsyncLifetime
{
    protected AppTest(FuncTasksApp? app = null) => App = app ?? new FuncTasksApp();

    protected FuncTasksApp App { get; }

    protected TargetServer Target { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Target = await TargetServer.StartAsync();
        Client = App.Operator();
    }

    public async Task DisposeAsync()
    {
        await Target.DisposeAsync();
        await App.DisposeAsync();
    }
}
