using FuncTasks.Core;
using FuncTasks.Core.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FuncTasks.Durable;

public static class DependencyInjection
{
    /// <summary>
    /// The Durable runner as the <see cref="ITaskRunner"/>, the work behind its activities, and the <c>delay</c> action that
    /// completes at once (the orchestrator has already waited on a durable timer). Both hosts call this; each adds its
    /// engine (the Functions host's Durable extension, or the LocalHost's worker over the Azure Storage backend).
    /// </summary>
    public static IServiceCollection AddFuncTasksDurableRunner<TClients>(this IServiceCollection services, IConfiguration configuration)
        where TClients : class, IDurableClientProvider
    {
        services.AddOptions<OrchestrationOptions>().Bind(configuration.GetSection(OrchestrationOptions.Section));
        services.TryAddSingleton<IDurableClientProvider, TClients>();
        services.TryAddSingleton<TaskRunActivities>();
        services.TryAddSingleton<DurableTaskRunner>();
        services.AddSingleton<ITaskRunner>(sp => sp.GetRequiredService<DurableTaskRunner>());

        // Registered after the built-in actions, it replaces the in-activity delay (the last registration of a name wins).
        services.AddSingleton<IStepAction, TimerDelayStepAction>();
        return services;
    }
}
