using FuncTasks.Api.Tasks;
using FuncTasks.Functions.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace FuncTasks.Functions.Http;

/// <summary>The Tasks API (VMware Cloud Foundation dialect): same methods and routes as <see cref="TasksApi.MapTasksApi"/>.</summary>
public static class TasksFunctions
{
    [Function("CreateTask")]
    public static Task<IResult> CreateTask(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/tasks")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => TasksApi.CreateAsync(req.HttpContext));

    [Function("GetTasks")]
    public static Task<IResult> GetTasks(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/tasks")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => TasksApi.ListAsync(req.HttpContext));

    [Function("GetTask")]
    public static Task<IResult> GetTask(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/tasks/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => TasksApi.GetAsync(req.HttpContext, id));

    [Function("GetTaskEvents")]
    public static Task<IResult> GetTaskEvents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/tasks/{id}/events")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => TasksApi.GetEventsAsync(req.HttpContext, id));

    [Function("RetryTask")]
    public static Task<IResult> RetryTask(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = "v1/tasks/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => TasksApi.RetryAsync(req.HttpContext, id));

    [Function("CancelTask")]
    public static Task<IResult> CancelTask(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "v1/tasks/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => TasksApi.CancelAsync(req.HttpContext, id));
}
