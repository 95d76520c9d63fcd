namespace FuncTasks.Api.Subscriptions;

/// <summary>The answer to a create: the only time the signing <c>secret</c> is shown.</summary>
public sealed record SubscriptionCreated(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> TaskTypes,
    string? Description,
    bool Enabled,
    string Secret,
    string CreatedAt);
