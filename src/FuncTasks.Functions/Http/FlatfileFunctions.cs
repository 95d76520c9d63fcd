using FuncTasks.Api.Flatfile;
using FuncTasks.Functions.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace FuncTasks.Functions.Http;

/// <summary>The Jobs API (Flatfile dialect): same methods and routes as <see cref="FlatfileApi.MapFlatfileApi"/>.</summary>
public static class FlatfileFunctions
{
    [Function("CreateJob")]
    public static Task<IResult> CreateJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.CreateAsync(req.HttpContext));

    [Function("ListJobs")]
    public static Task<IResult> ListJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/jobs")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.ListAsync(req.HttpContext));

    [Function("PreviewMutation")]
    public static Task<IResult> PreviewMutation(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs/preview-mutation")] HttpRequest req,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.PreviewMutationAsync(req.HttpContext));

    [Function("GetJob")]
    public static Task<IResult> GetJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/jobs/{jobId}")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.GetAsync(req.HttpContext, jobId));

    [Function("UpdateJob")]
    public static Task<IResult> UpdateJob(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = "v1/jobs/{jobId}")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.UpdateAsync(req.HttpContext, jobId));

    [Function("DeleteJob")]
    public static Task<IResult> DeleteJob(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "v1/jobs/{jobId}")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.DeleteAsync(req.HttpContext, jobId));

    [Function("ExecuteJob")]
    public static Task<IResult> ExecuteJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs/{jobId}/execute")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.ExecuteAsync(req.HttpContext, jobId));

    [Function("GetJobPlan")]
    public static Task<IResult> GetJobPlan(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/jobs/{jobId}/plan")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.GetPlanAsync(req.HttpContext, jobId));

    [Function("ReplaceJobPlan")]
    public static Task<IResult> ReplaceJobPlan(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "v1/jobs/{jobId}/plan")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.ReplacePlanAsync(req.HttpContext, jobId));

    [Function("UpdateJobPlan")]
    public static Task<IResult> UpdateJobPlan(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = "v1/jobs/{jobId}/plan")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.PatchPlanAsync(req.HttpContext, jobId));

    [Function("AckJob")]
    public static Task<IResult> AckJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs/{jobId}/ack")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.AckAsync(req.HttpContext, jobId));

    [Function("AckJobOutcome")]
    public static Task<IResult> AckJobOutcome(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs/{jobId}/outcome/ack")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.AckOutcomeAsync(req.HttpContext, jobId));

    [Function("CompleteJob")]
    public static Task<IResult> CompleteJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs/{jobId}/complete")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.CompleteAsync(req.HttpContext, jobId));

    [Function("FailJob")]
    public static Task<IResult> FailJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs/{jobId}/fail")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.FailAsync(req.HttpContext, jobId));

    [Function("CancelJob")]
    public static Task<IResult> CancelJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs/{jobId}/cancel")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.CancelAsync(req.HttpContext, jobId));

    [Function("RetryJob")]
    public static Task<IResult> RetryJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs/{jobId}/retry")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.RetryAsync(req.HttpContext, jobId));

    [Function("SplitJob")]
    public static Task<IResult> SplitJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/jobs/{jobId}/split")] HttpRequest req, string jobId,
        [DurableClient] DurableTaskClient durable) =>
        InvocationDurableClient.RunAsync(durable, () => FlatfileApi.SplitAsync(req.HttpContext, jobId));
}
