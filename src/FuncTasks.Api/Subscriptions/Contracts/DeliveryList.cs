namespace FuncTasks.Api.Subscriptions;

/// <summary>Recent delivery attempts, newest first.</summary>
public sealed record DeliveryList(IReadOnlyList<DeliveryView> Elements);
