using FuncTasks.Core.Actions;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core;

public static class DependencyInjection
{
    /// <summary>The engine, the commands and the built-in actions (http, delay, external).</summary>
    public static IServiceCollection AddFuncTasksCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EngineOptions>();
        services.AddOptions<HttpActionOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpActionOptions>, HttpActionOptionsValidator>());
        // The SSRF guard: every connection of the http action resolves and checks its address here (seams for tests).
        services.TryAddSingleton<IHttpHostResolver, DnsHttpHostResolver>();
        services.TryAddSingleton<IHttpConnector, SocketHttpConnector>();
        services.TryAddSingleton<HttpDestinationGuard>();
        services.AddHttpClient(HttpStepAction.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<HttpDestinationGuard>().CreateHandler());
        services.TryAddSingleton<RunningSteps>();
        services.TryAddSingleton<StepActionRegistry>();
        services.TryAddSingleton<StorageOutage>();
        services.TryAddSingleton<StepExecutor>();
        services.TryAddSingleton<TaskMutation>();
        services.TryAddSingleton<TaskValidation>();
        services.TryAddSingleton<CreateTaskHandler>();
        services.TryAddSingleton<RetryTaskHandler>();
        services.TryAddSingleton<CancelTaskHandler>();
        services.TryAddSingleton<RestartFailedStepHandler>();
        services.TryAddSingleton<CompleteExternalStepHandler>();
        services.TryAddSingleton<FailPoisonedRunHandler>();
        services.TryAddSingleton<Definitions.CreateDefinitionHandler>();
        services.TryAddSingleton<Definitions.StartFromDefinitionHandler>();
        services.AddOptions<Idempotency.IdempotencyOptions>();
        services.TryAddSingleton<Idempotency.IdempotentCreate>();
        services.AddSingleton<IStepAction, HttpStepAction>();
        services.AddSingleton<IStepAction, DelayStepAction>();
        services.AddSingleton<IStepAction, ExternalStepAction>();
        services.AddSingleton<IStepAction, AwaitTasksStepAction>();
        return services;
    }
}
