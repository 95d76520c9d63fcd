using FuncTasks.Core.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FuncTasks.Storage.Notifications;

public static class NotificationStorageRegistration
{
    /// <summary>Subscriptions and the outbox's bookkeeping on Table Storage.</summary>
    public static IServiceCollection AddFuncTasksNotificationStore(this IServiceCollection services)
    {
        services.TryAddSingleton<TableNotificationStore>();
        services.TryAddSingleton<ISubscriptionStore>(sp => sp.GetRequiredService<TableNotificationStore>());
        services.TryAddSingleton<INotificationOutbox>(sp => sp.GetRequiredService<TableNotificationStore>());
        return services;
    }

    /// <summary>The LocalHost: the dispatcher runs in process as a hosted service (<see cref="NotificationService"/>).</summary>
    public static IServiceCollection AddFuncTasksNotificationService(this IServiceCollection services)
    {
        services.TryAddSingleton<NotificationService>();
        services.TryAddSingleton<INotificationScheduler>(sp => sp.GetRequiredService<NotificationService>());
        services.AddHostedService(sp => sp.GetRequiredService<NotificationService>());
        return services;
    }

    /// <summary>The Functions app: changes and redeliveries go through the notification queue to its trigger.</summary>
    public static IServiceCollection AddFuncTasksNotificationQueue(this IServiceCollection services)
    {
        services.TryAddSingleton<QueueNotificationScheduler>();
        services.TryAddSingleton<INotificationScheduler>(sp => sp.GetRequiredService<QueueNotificationScheduler>());
        return services;
    }
}
