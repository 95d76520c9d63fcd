namespace FuncTasks.Api.Subscriptions;

/// <summary>A subscription as read back (never its secret), with its delivery figures.</summary>
public sealed record SubscriptionView(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> TaskTypes,
    string? Description,
    bool Enabled,
    string? DisabledReason,
    string CreatedAt,
    string UpdatedAt,
    SubscriptionFiguresView Deliveries);
