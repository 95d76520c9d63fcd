using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using FuncTasks.Core;
using FuncTasks.Core.Idempotency;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FuncTasks.Storage;

public static class DependencyInjection
{
    /// <summary>The Table Storage store (and the tables' creation at start). Connection from <c>AzureWebJobsStorage</c>.</summary>
    public static IServiceCollection AddFuncTasksTableStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Configure(o => o.ConnectionString = configuration["AzureWebJobsStorage"] is { Length: > 0 } c ? c : o.ConnectionString);
        // On Azure the Functions app uses identity-based storage (AzureWebJobsStorage__accountName, __clientId);
        // locally a connection string (Azurite by default). Either way the SDK retries transient faults per call
        // with the bounded exponential back-off of FuncTasks:Storage:Retry.
        var accountName = configuration["AzureWebJobsStorage:accountName"];
        if (!string.IsNullOrEmpty(accountName))
        {
            var clientId = configuration["AzureWebJobsStorage:clientId"];
            TokenCredential token = string.IsNullOrEmpty(clientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
            services.TryAddSingleton(sp => new TableServiceClient(new Uri($"https://{accountName}.table.core.windows.net"), token, TableOptions(sp)));
            services.TryAddSingleton(sp => new QueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net"), token, QueueOptions(sp)));
        }

        services.TryAddSingleton(sp => new TableServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString, TableOptions(sp)));
        services.TryAddSingleton(sp => new QueueServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString, QueueOptions(sp)));
        services.TryAddSingleton<IStorageFaults, AzureStorageFaults>();
        services.TryAddSingleton<IIdempotencyStore, TableIdempotencyStore>();
        services.TryAddSingleton<TableTaskStore>();
        services.TryAddSingleton<ITaskStore>(sp => sp.GetRequiredService<TableTaskStore>());
        services.TryAddSingleton<Core.Definitions.IDefinitionStore, TableDefinitionStore>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    private static TableClientOptions TableOptions(IServiceProvider services)
    {
        var options = new TableClientOptions();
        services.GetRequiredService<IOptions<StorageOptions>>().Value.Retry.ApplyTo(options.Retry);
        return options;
    }

    private static QueueClientOptions QueueOptions(IServiceProvider services)
    {
        var options = new QueueClientOptions();
        services.GetRequiredService<IOptions<StorageOptions>>().Value.Retry.ApplyTo(options.Retry);
        return options;
    }

    /// <summary>The queue runner as the <see cref="ITaskRunner"/> and as a hosted service running the workers.</summary>
    public static IServiceCollection AddFuncTasksQueueRunner(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RunnerOptions>().Bind(configuration.GetSection(RunnerOptions.Section));
        services.TryAddSingleton<QueueTaskRunner>();
        services.TryAddSingleton<ITaskRunner>(sp => sp.GetRequiredService<QueueTaskRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<QueueTaskRunner>());
        return services;
    }
}
