using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Notifications;

/// <summary>
/// The subscriptions' commands: every rule is checked before anything is stored, and the URL passes the same SSRF
/// allow-list as an <c>http</c> step's (<see cref="HttpDestinationGuard.Check"/>; the connection is checked again on every delivery).
/// </summary>
public sealed class SubscriptionsHandler(
    ISubscriptionStore store, SubscriptionCache cache, HttpDestinationGuard guard, TimeProvider time, IOptions<NotificationOptions> options)
{
    public const int MaxUrlLength = 2048;
    public const int MaxDescriptionLength = 4096;
    public const int MaxTaskTypes = 50;
    private const int MaxConflictRetries = 8;

    public async Task<Subscription> CreateAsync(SubscriptionChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Url is null)
        {
            throw new InvalidRequestException("url", "'url' is required: the address FuncTasks POSTs the events to.");
        }

        var now = time.GetUtcNow();
        var subscription = Apply(new Subscription
        {
            Id = Guid.NewGuid(),
            Url = change.Url,
            Secret = WebhookSignature.NewSecret(),
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = TaskActor.Current,
        }, change);
        if ((await store.ListAsync(cancellationToken)).Count >= options.Value.MaxSubscriptions)
        {
            throw new InvalidRequestException("url", $"There are {options.Value.MaxSubscriptions} subscriptions already, the most FuncTasks:Notifications:MaxSubscriptions allows.");
        }

        var created = await store.CreateAsync(subscription, cancellationToken);
        cache.Invalidate();
        return created;
    }

    public async Task<Subscription> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) ?? throw new TaskNotFoundException(NotFoundKind.Subscription, id.ToString());

    public async Task<Subscription> UpdateAsync(Guid id, SubscriptionChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var i = 0; ; i++)
        {
            var current = await GetAsync(id, cancellationToken);
            var updated = Apply(current, change) with { UpdatedAt = time.GetUtcNow() };
            if (change.Enabled == true)
            {
                updated = updated with { DisabledReason = null };
            }

            try
            {
                var saved = await store.UpdateAsync(updated, cancellationToken);
                cache.Invalidate();
                if (change.Enabled == true && !current.Enabled)
                {
                    await ResetGiveUpsAsync(id, cancellationToken);
                }

                return saved;
            }
            catch (ConcurrencyConflictException) when (i < MaxConflictRetries)
            {
                // Changed meanwhile (a delivery disabled it, another PATCH): apply this change to the new state.
            }
        }
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(id, cancellationToken))
        {
            throw new TaskNotFoundException(NotFoundKind.Subscription, id.ToString());
        }

        cache.Invalidate();
    }

    private async Task ResetGiveUpsAsync(Guid id, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxConflictRetries; i++)
        {
            var figures = await store.GetFiguresAsync(id, cancellationToken);
            if (figures.GiveUpsInARow == 0 || await store.TryUpdateFiguresAsync(id, figures with { GiveUpsInARow = 0 }, cancellationToken) is not null)
            {
                return;
            }
        }
    }

    private Subscription Apply(Subscription subscription, SubscriptionChange change)
    {
        if (change.Url is { } url)
        {
            subscription = subscription with { Url = CheckUrl(url) };
        }

        if (change.Events is { } events)
        {
            var unknown = events.FirstOrDefault(e => !NotificationEventTypes.IsKnown(e));
            if (unknown is not null)
            {
                throw new InvalidRequestException("events",
                    $"Unknown event type '{FailureDetails.Cap(unknown, 100)}'. Use {string.Join(", ", NotificationEventTypes.All)} (or leave 'events' out for all of them).");
            }

            subscription = subscription with { Events = events.Distinct(StringComparer.Ordinal).ToList() };
        }

        if (change.TaskTypes is { } types)
        {
            if (types.Count > MaxTaskTypes)
            {
                throw new InvalidRequestException("taskTypes", $"'taskTypes' may name at most {MaxTaskTypes} task types.");
            }

            if (types.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > Commands.TaskValidation.MaxNameLength))
            {
                throw new InvalidRequestException("taskTypes", $"Each of 'taskTypes' must be a task type of 1 to {Commands.TaskValidation.MaxNameLength} characters.");
            }

            subscription = subscription with { TaskTypes = types.Distinct(StringComparer.Ordinal).ToList() };
        }

        if (change.Description is { } description)
        {
            if (description.Length > MaxDescriptionLength)
            {
                throw new InvalidRequestException("description", $"'description' must be at most {MaxDescriptionLength} characters.");
            }

            subscription = subscription with { Description = description };
        }

        if (change.Enabled is { } enabled)
        {
            subscription = subscription with { Enabled = enabled };
        }

        return subscription;
    }

    private string CheckUrl(string url)
    {
        if (url.Length > MaxUrlLength)
        {
            throw new InvalidRequestException("url", $"'url' must be at most {MaxUrlLength} characters.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidRequestException("url", "'url' must be an absolute http or https URL.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new InvalidRequestException("url", "'url' may not carry a user name or password; receivers verify the webhook-signature instead.");
        }

        if (guard.Check(uri) is { } refused)
        {
            throw new InvalidRequestException("url", $"'url' may not be called: {refused}.");
        }

        return uri.ToString();
    }
}
