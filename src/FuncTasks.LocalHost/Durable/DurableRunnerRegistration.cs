using FuncTasks.Core.Engine;
using FuncTasks.Durable;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;

namespace FuncTasks.LocalHost.Durable;

public static class DurableRunnerRegistration
{
    /// <summary>
    /// The Durable runner (<c>FuncTasks:Runner:Kind = Durable</c>): the engine's sidecar, then the worker running the shared
    /// orchestrator and activities (FuncTasks.Durable), and the client the runner starts, resumes and terminates them with.
    /// </summary>
    public static IServiceCollection AddFuncTasksLocalDurableRunner(this IServiceCollection services, IConfiguration configuration)
    {
        var channel = new DurableSidecarChannel();
        services.AddSingleton(_ => channel); // created by a factory, so the container disposes it (channel and socket file)
        services.AddOptions<DurableEngineOptions>().Bind(configuration.GetSection(DurableEngineOptions.Section));
        services.AddSingleton<DurableSidecar>();
        services.AddHostedService(sp => sp.GetRequiredService<DurableSidecar>());
        services.AddFuncTasksDurableRunner<RegisteredDurableClient>(configuration);
        services.AddDurableTaskWorker(worker => worker.UseGrpc(channel.Channel).AddTasks(tasks => tasks.AddTaskRun()));
        services.AddDurableTaskClient(client => client.UseGrpc(channel.Channel).RegisterDirectly());
        services.AddHostedService<DurableStorageWatch>();
        return services;
    }

    /// <summary>True when the configuration picks the Durable runner; the queue runner is the LocalHost's default.</summary>
    public static bool UsesDurableRunner(IConfiguration configuration) =>
        string.Equals(configuration[$"{OrchestrationOptions.Section}:Kind"], OrchestrationOptions.DurableKind, StringComparison.OrdinalIgnoreCase);
}
