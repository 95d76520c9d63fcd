using FuncTasks.Api;
using FuncTasks.Core.Engine;
using FuncTasks.Durable;
using FuncTasks.Functions.Durable;
using FuncTasks.Storage;
using FuncTasks.Storage.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Functions;

/// <summary>The Functions app's services: the same Core, Storage and Api as the LocalHost, with the Durable runner.</summary>
public static class FunctionsApp
{
    public static IServiceCollection AddFuncTasksFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddFuncTasks(configuration)
            .AddFuncTasksTableStorage(configuration)
            .AddFuncTasksNotificationQueue()
            .AddFuncTasksDurableRunner<InvocationDurableClient>(configuration);
        services.AddOptions<OrchestrationOptions>()
            .Validate(o => o.IsDurable, "FuncTasks:Runner:Kind must be 'Durable' in the Functions app (the queue runner is FuncTasks.LocalHost's).")
            .ValidateOnStart();
        return services;
    }
}
