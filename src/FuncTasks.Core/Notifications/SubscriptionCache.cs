using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Notifications;

/// <summary>
/// The subscriptions this host dispatches to, read from the store at most every
/// <see cref="NotificationOptions.SubscriptionRefresh"/>; this host's own changes apply at once.
/// </summary>
public sealed class SubscriptionCache(ISubscriptionStore store, TimeProvider time, IOptions<NotificationOptions> options)
{
    private volatile Entry? _entry;

    /// <summary>False only when the subscriptions were read recently and none is enabled: nobody needs to hear of a change.</summary>
    public bool MayHaveSubscribers =>
        _entry is not { } entry || time.GetUtcNow() - entry.At >= options.Value.SubscriptionRefresh || entry.Subscriptions.Any(s => s.Enabled);

    public async Task<IReadOnlyList<Subscription>> GetAsync(CancellationToken cancellationToken)
    {
        var entry = _entry;
        return entry is not null && time.GetUtcNow() - entry.At < options.Value.SubscriptionRefresh
            ? entry.Subscriptions
            : await RefreshAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Subscription>> RefreshAsync(CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var list = await store.ListAsync(cancellationToken);
        _entry = new Entry(list, at);
        return list;
    }

    /// <summary>One subscription, fresh from the store when the cached list does not have it.</summary>
    public async Task<Subscription?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        (await GetAsync(cancellationToken)).FirstOrDefault(s => s.Id == id) ?? await store.GetAsync(id, cancellationToken);

    public void Invalidate() => _entry = null;

    private sealed record Entry(IReadOnlyList<Subscription> Subscriptions, DateTimeOffset At);
}
