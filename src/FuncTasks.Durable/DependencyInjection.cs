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
        services.AddOptions<OrchestrationOptions>().Bind(configuration.GetSection(OrchestrationOptions.Section))
            .Validate(o => o.ResumeTimeout > TimeSpan.Zero, "FuncTasks:Runner:ResumeTimeout must be positive.")
            .Validate(o => o.CancelCheckInterval > TimeSpan.Zero, "FuncTasks:Runner:CancelCheckInterval must be positive.")
            .Validate(o => o.StepBatchTime >= TimeSpan.Zero && o.StepBatchTime <= OrchestrationOptions.MaxStepBatchTime,
                "FuncTasks:Runner:StepBatchTime must be between 00:00:00 and 00:02:00.")
            .Validate(o => o.DelayInActivity >= TimeSpan.Zero && o.DelayInActivity <= OrchestrationOptions.MaxDelayInActivity,
                "FuncTasks:Runner:DelayInActivity must be between 00:00:00 and 00:01:00.")
            .Validate(o => o.ActivityMaxAttempts is >= 1 and <= 100, "FuncTasks:Runner:ActivityMaxAttempts must be between 1 and 100.")
            .Validate(o => o.ActivityFirstRetryInterval > TimeSpan.Zero && o.ActivityFirstRetryInterval <= ActivityRetry.Default.MaxInterval,
                "FuncTasks:Runner:ActivityFirstRetryInterval must be positive and at most two minutes.")
            .ValidateOnStart();
        services.TryAddSingleton<IDurableClientProvider, TClients>();
        services.TryAddSingleton<TaskRunActivities>();
        services.TryAddSingleton<DurableTaskRunner>();
        services.AddSingleton<ITaskRunner>(sp => sp.GetRequiredService<DurableTaskRunner>());

        // Registered after the built-in actions, it replaces the in-activity delay (the last registration of a name wins).
        services.AddSingleton<IStepAction, TimerDelayStepAction>();
        return services;
    }
}
