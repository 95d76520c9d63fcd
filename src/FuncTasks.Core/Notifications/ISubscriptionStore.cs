namespace FuncTasks.Core.Notifications;

/// <summary>Subscriptions, their delivery figures and their recent delivery attempts.</summary>
public interface ISubscriptionStore
{
    Task<Subscription> CreateAsync(Subscription subscription, CancellationToken cancellationToken);

    Task<Subscription?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Every subscription (at most <see cref="NotificationOptions.MaxSubscriptions"/>), oldest first.</summary>
    Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Replaces it, guarded by its ETag; throws <see cref="ConcurrencyConflictException"/> when it changed meanwhile.</summary>
    Task<Subscription> UpdateAsync(Subscription subscription, CancellationToken cancellationToken);

    /// <summary>Deletes it with its figures, delivery log and pending deliveries; false when it did not exist.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);

    Task<SubscriptionFigures> GetFiguresAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Replaces the figures, guarded by their ETag (null when they changed meanwhile).</summary>
    Task<SubscriptionFigures?> TryUpdateFiguresAsync(Guid id, SubscriptionFigures figures, CancellationToken cancellationToken);

    Task AddDeliveryAsync(DeliveryAttempt attempt, CancellationToken cancellationToken);

    /// <summary>The most recent attempts, newest first.</summary>
    Task<IReadOnlyList<DeliveryAttempt>> RecentDeliveriesAsync(Guid id, int max, CancellationToken cancellationToken);

    /// <summary>Deletes the attempts past the newest <paramref name="keep"/>.</summary>
    Task TrimDeliveriesAsync(Guid id, int keep, CancellationToken cancellationToken);
}
