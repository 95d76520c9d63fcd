using FuncTasks.Api.Dr;
using FuncTasks.Functions.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace FuncTasks.Functions.Http;

/// <summary>The task info API (VMware Live Site Recovery DR dialect): same methods and routes as <see cref="DrApi.MapDrApi"/>.</summary>
public static class DrFunctions
{
    [Function("GetAllTasksInfo")]
    public static Task<IResult> GetAllTasksInfo(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "tasks")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => DrApi.ListAsync(req.HttpContext));

    [Function("GetTaskInfo")]
    public static Task<IResult> GetTaskInfo(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "tasks/{task_id}")] HttpRequest req, string task_id,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => DrApi.GetAsync(req.HttpContext, task_id));
}
