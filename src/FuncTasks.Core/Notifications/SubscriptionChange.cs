namespace FuncTasks.Core.Notifications;

/// <summary>A create or patch of a subscription: null fields are not given (a patch keeps them).</summary>
public sealed record SubscriptionChange(
    string? Url = null,
    IReadOnlyList<string>? Events = null,
    IReadOnlyList<string>? TaskTypes = null,
    string? Description = null,
    bool? Enabled = null);
