using FuncTasks.Api.Subscriptions;
using FuncTasks.Functions.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace FuncTasks.Functions.Http;

/// <summary>Webhook subscriptions: same methods and routes as <see cref="SubscriptionsApi.MapSubscriptionsApi"/>.</summary>
public static class SubscriptionsFunctions
{
    [Function("CreateSubscription")]
    public static Task<IResult> CreateSubscription(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/subscriptions")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => SubscriptionsApi.CreateAsync(req.HttpContext));

    [Function("GetSubscriptions")]
    public static Task<IResult> GetSubscriptions(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/subscriptions")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => SubscriptionsApi.ListAsync(req.HttpContext));

    [Function("GetSubscription")]
    public static Task<IResult> GetSubscription(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/subscriptions/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => SubscriptionsApi.GetAsync(req.HttpContext, id));

    [Function("UpdateSubscription")]
    public static Task<IResult> UpdateSubscription(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = "v1/subscriptions/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => SubscriptionsApi.UpdateAsync(req.HttpContext, id));

    [Function("DeleteSubscription")]
    public static Task<IResult> DeleteSubscription(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "v1/subscriptions/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => SubscriptionsApi.DeleteAsync(req.HttpContext, id));

    [Function("GetSubscriptionDeliveries")]
    public static Task<IResult> GetSubscriptionDeliveries(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/subscriptions/{id}/deliveries")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => SubscriptionsApi.DeliveriesAsync(req.HttpContext, id));
}
