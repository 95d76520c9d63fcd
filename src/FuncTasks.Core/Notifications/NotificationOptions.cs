using System.ComponentModel.DataAnnotations;

namespace FuncTasks.Core.Notifications;

/// <summary>Webhook notifications (configuration section <c>FuncTasks:Notifications</c>); see docs/webhooks.md.</summary>
public sealed class NotificationOptions
{
    public const string Section = "FuncTasks:Notifications";

    /// <summary>The queue of the Functions app's notification trigger (nudges and delayed redeliveries).</summary>
    public const string DefaultQueueName = "functasks-notify";

    /// <summary>False: no events are dispatched by this host (changes are still marked, and delivered once a host dispatches).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The CloudEvents <c>source</c> of every event.</summary>
    public string Source { get; set; } = "/functasks";

    /// <summary>Longest wait for a receiver's answer; no answer by then counts as a failed attempt.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait before the first redelivery; doubles per failed attempt (with jitter) up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An event not delivered this long after its first failed attempt is given up (recorded, and the next one goes).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A subscription is disabled after this many give-ups in a row (a delivery in between resets the count).</summary>
    [Range(1, 1000)]
    public int DisableAfterGiveUps { get; set; } = 3;

    /// <summary>How long a host's claim on a task's new events, or on one subscription's deliveries of one task, lasts (renewed per event).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the recovery sweep looks for changes whose dispatch was lost (a host killed) and for redeliveries due.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How old the list of subscriptions a host dispatches to may get (its own changes apply at once).</summary>
    public TimeSpan SubscriptionRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries to one subscription that this host makes at once (tasks in parallel, each task's events in order).</summary>
    [Range(1, 256)]
    public int MaxConcurrentPerSubscription { get; set; } = 8;

    /// <summary>Most subscriptions.</summary>
    [Range(1, 1000)]
    public int MaxSubscriptions { get; set; } = 100;

    /// <summary>Recent delivery attempts kept per subscription (<c>GET /v1/subscriptions/{id}/deliveries</c>).</summary>
    [Range(1, 1000)]
    public int KeepDeliveries { get; set; } = 100;
}
