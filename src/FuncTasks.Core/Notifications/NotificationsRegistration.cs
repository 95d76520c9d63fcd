using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FuncTasks.Core.Notifications;

public static class NotificationsRegistration
{
    /// <summary>The dispatcher, the sender and the subscriptions' commands (the stores and the scheduler come from the host's storage).</summary>
    public static IServiceCollection AddFuncTasksNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>();
        services.TryAddSingleton<SubscriptionCache>();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<NotificationDispatcher>();
        services.TryAddSingleton<SubscriptionsHandler>();
        return services;
    }
}
