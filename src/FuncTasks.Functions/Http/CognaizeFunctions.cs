using FuncTasks.Api.Cognaize;
using FuncTasks.Functions.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace FuncTasks.Functions.Http;

/// <summary>The Process API (Cognaize workflow-engine dialect): same methods and routes as <see cref="CognaizeApi.MapCognaizeApi"/>.</summary>
public static class CognaizeFunctions
{
    [Function("StartProcess")]
    public static Task<IResult> StartProcess(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/v1/processes/start")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => CognaizeApi.StartAsync(req.HttpContext));

    [Function("RestartFailedStep")]
    public static Task<IResult> RestartFailedStep(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/v1/processes/restart-failed-step")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => CognaizeApi.RestartFailedStepAsync(req.HttpContext));

    [Function("CompleteProcessStep")]
    public static Task<IResult> CompleteProcessStep(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/v1/processes/complete-step")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => CognaizeApi.CompleteStepAsync(req.HttpContext));

    [Function("GetProcess")]
    public static Task<IResult> GetProcess(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/v1/processes/{processId}")] HttpRequest req, string processId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => CognaizeApi.GetAsync(req.HttpContext, processId));

    [Function("CreateWorkflow")]
    public static Task<IResult> CreateWorkflow(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/v1/workflows")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => CognaizeApi.CreateWorkflowAsync(req.HttpContext));

    [Function("GetWorkflow")]
    public static Task<IResult> GetWorkflow(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/v1/workflows/{workflowId}")] HttpRequest req, string workflowId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => CognaizeApi.GetWorkflowAsync(req.HttpContext, workflowId));
}
