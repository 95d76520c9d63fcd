namespace FuncTasks.Api.Subscriptions;

public sealed record SubscriptionList(IReadOnlyList<SubscriptionView> Elements);
