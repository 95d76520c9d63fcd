using FuncTasks.Api.Vcf;
using FuncTasks.Functions.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace FuncTasks.Functions.Http;

/// <summary>The Tasks API (VMware Cloud Foundation dialect): same methods and routes as <see cref="VcfApi.MapVcfApi"/>.</summary>
public static class VcfFunctions
{
    [Function("CreateTask")]
    public static Task<IResult> CreateTask(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/tasks")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => VcfApi.CreateAsync(req.HttpContext));

    [Function("GetTasks")]
    public static Task<IResult> GetTasks(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/tasks")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => VcfApi.ListAsync(req.HttpContext));

    [Function("GetTask")]
    public static Task<IResult> GetTask(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/tasks/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => VcfApi.GetAsync(req.HttpContext, id));

    [Function("GetTaskEvents")]
    public static Task<IResult> GetTaskEvents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/tasks/{id}/events")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => VcfApi.GetEventsAsync(req.HttpContext, id));

    [Function("RetryTask")]
    public static Task<IResult> RetryTask(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = "v1/tasks/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => VcfApi.RetryAsync(req.HttpContext, id));

    [Function("CancelTask")]
    public static Task<IResult> CancelTask(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "v1/tasks/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => VcfApi.CancelAsync(req.HttpContext, id));
}
