using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Commands.Agents;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Api.Flatfile;

/// <summary>
/// The Jobs API in the Flatfile dialect (<c>/v1/jobs</c>). A job is a task: an agent-driven job is one external
/// step that an agent acks, reports on and completes or fails; a job with a plan runs its steps in the engine.
/// </summary>
public static class FlatfileApi
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    public const string Tag = "Jobs (Flatfile)";

    public static RouteGroupBuilder MapFlatfileApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/jobs").WithTags(Tag).ProducesLimits(typeof(ErrorsBody));
        group.MapPost("", (Func<HttpContext, Task<IResult>>)CreateAsync)
            .WithName("CreateJob").WithSummary("Create a job: manual (created) or immediate (ready, or executing with a plan)")
            .Accepts<CreateJobRequest>("application/json").Produces<DataBody<FlatfileJob>>().ProducesErrors(400, 401, 403, 409);
        group.MapGet("", (Func<HttpContext, Task<IResult>>)ListAsync)
            .WithName("ListJobs").WithSummary("List jobs (status, type, parentId, excludeChildJobs, source, ...; pageSize, pageNumber, sortDirection)")
            .Produces<JobsPage>().ProducesErrors(400, 401);
        group.MapPost("/preview-mutation", (Func<HttpContext, Task<IResult>>)PreviewMutationAsync)
            .WithName("PreviewMutation").WithSummary("Not served: previews Flatfile record mutations (501)")
            .ProducesErrors(401, 403, 501);
        group.MapGet("/{jobId}", (HttpContext http, string jobId) => GetAsync(http, jobId))
            .WithName("GetJob").WithSummary("Get a job").Produces<DataBody<FlatfileJob>>().ProducesErrors(401, 404);
        group.MapPatch("/{jobId}", (HttpContext http, string jobId) => UpdateAsync(http, jobId))
            .WithName("UpdateJob").WithSummary("Edit the fields of a job that has not finished")
            .Produces<DataBody<FlatfileJob>>().ProducesErrors(400, 401, 403, 404, 409);
        group.MapDelete("/{jobId}", (HttpContext http, string jobId) => DeleteAsync(http, jobId))
            .WithName("DeleteJob").WithSummary("Delete a job that is not executing")
            .Produces<DataBody<SuccessData>>().ProducesErrors(401, 403, 404, 409);
        group.MapPost("/{jobId}/execute", (HttpContext http, string jobId) => ExecuteAsync(http, jobId))
            .WithName("ExecuteJob").WithSummary("Start a created job: ready (agent-driven) or executing (plan)")
            .Produces<DataBody<SuccessData>>().ProducesErrors(401, 403, 404, 409);
        group.MapGet("/{jobId}/plan", (HttpContext http, string jobId) => GetPlanAsync(http, jobId))
            .WithName("GetJobPlan").WithSummary("The job and its plan (its steps)").Produces<DataBody<JobPlanBody>>().ProducesErrors(401, 404);
        group.MapPut("/{jobId}/plan", (HttpContext http, string jobId) => ReplacePlanAsync(http, jobId))
            .WithName("ReplaceJobPlan").WithSummary("Replace the steps of a job that has not started")
            .Accepts<CreateJobPlan>("application/json").Produces<DataBody<JobPlanBody>>().ProducesErrors(400, 401, 403, 404, 409);
        group.MapPatch("/{jobId}/plan", (HttpContext http, string jobId) => PatchPlanAsync(http, jobId))
            .WithName("UpdateJobPlan").WithSummary("Change parameters of plan steps that have not completed")
            .Accepts<PatchPlanRequest>("application/json").Produces<DataBody<JobPlanBody>>().ProducesErrors(400, 401, 403, 404, 409);
        group.MapPost("/{jobId}/ack", (HttpContext http, string jobId) => AckAsync(http, jobId))
            .WithName("AckJob").WithSummary("An agent takes a ready job (executing); later acks by it report progress and info")
            .Accepts<AckJobRequest>("application/json").Produces<DataBody<FlatfileJob>>().ProducesErrors(400, 401, 403, 404, 409);
        group.MapPost("/{jobId}/outcome/ack", (HttpContext http, string jobId) => AckOutcomeAsync(http, jobId))
            .WithName("AckJobOutcome").WithSummary("Record that the outcome of a finished job was seen")
            .Produces<DataBody<FlatfileJob>>().ProducesErrors(401, 403, 404, 409);
        group.MapPost("/{jobId}/complete", (HttpContext http, string jobId) => CompleteAsync(http, jobId))
            .WithName("CompleteJob").WithSummary("Complete an agent-driven job with an outcome")
            .Accepts<FinishJobRequest>("application/json").Produces<DataBody<FlatfileJob>>().ProducesErrors(400, 401, 403, 404, 409);
        group.MapPost("/{jobId}/fail", (HttpContext http, string jobId) => FailAsync(http, jobId))
            .WithName("FailJob").WithSummary("Fail an agent-driven job with an outcome")
            .Accepts<FinishJobRequest>("application/json").Produces<DataBody<FlatfileJob>>().ProducesErrors(400, 401, 403, 404, 409);
        group.MapPost("/{jobId}/cancel", (HttpContext http, string jobId) => CancelAsync(http, jobId))
            .WithName("CancelJob").WithSummary("Cancel a job that has not finished; a running step is signalled to stop")
            .Accepts<CancelJobRequest>("application/json").Produces<DataBody<FlatfileJob>>().ProducesErrors(400, 401, 403, 404, 409);
        group.MapPost("/{jobId}/retry", (HttpContext http, string jobId) => RetryAsync(http, jobId))
            .WithName("RetryJob").WithSummary("Retry a failed job: ready again (agent-driven) or executing from its failed step (plan)")
            .Produces<DataBody<FlatfileJob>>().ProducesErrors(400, 401, 403, 404);
        group.MapPost("/{jobId}/split", (HttpContext http, string jobId) => SplitAsync(http, jobId))
            .WithName("SplitJob").WithSummary("Split an agent-driven job into parts; the job completes when they all have")
            .Accepts<SplitJobRequest>("application/json").Produces<DataBody<FlatfileJob>>().ProducesErrors(400, 401, 403, 404, 409);
        return group;
    }

    public static Task<IResult> CreateAsync(HttpContext http) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var body = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted);
            var command = FlatfileRequest.ParseCreate(body, Caller(http));
            var jobs = http.Jobs();
            var outcome = await IdempotencyKey.CreateAsync(http, body, (id, ct) => jobs.CreateAsync(command with { Id = id }, ct));
            return FlatfileDialect.Data(FlatfileDialect.ToJob(outcome.Snapshot.Task)).Replayed(http, outcome);
        });

    public static Task<IResult> ListAsync(HttpContext http) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
        {
            var (query, pageNumber, pageSize) = FlatfileRequest.ParseList(http.Request.Query);
            var page = await http.RequestServices.GetRequiredService<ITaskStore>().ListAsync(query, http.RequestAborted);
            var pageCount = (page.TotalCount + pageSize - 1) / pageSize;
            return Results.Json(new JobsPage(new JobsPagination(pageNumber, pageCount, page.TotalCount),
                page.Items.Select(FlatfileDialect.ToJob).ToList()), Wire.CamelCase);
        });

    public static Task<IResult> GetAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
            FlatfileDialect.Data(FlatfileDialect.ToJob(await http.Jobs().ReadTaskAsync(ParseId(jobId), http.RequestAborted))));

    public static Task<IResult> UpdateAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var id = ParseId(jobId);
            var edit = FlatfileRequest.ParseEdit(await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted));
            return FlatfileDialect.Data(FlatfileDialect.ToJob((await http.Jobs().UpdateAsync(id, edit.ToAgentTaskEdit(), http.RequestAborted)).Task));
        });

    public static Task<IResult> DeleteAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            await http.Jobs().DeleteAsync(ParseId(jobId), http.RequestAborted);
            return FlatfileDialect.Data(new SuccessData(true));
        });

    public static Task<IResult> ExecuteAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            await http.Jobs().ExecuteAsync(ParseId(jobId), http.RequestAborted);
            return FlatfileDialect.Data(new SuccessData(true));
        });

    public static Task<IResult> GetPlanAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
            Plan(await http.Jobs().ReadAsync(ParseId(jobId), http.RequestAborted)));

    public static Task<IResult> ReplacePlanAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var id = ParseId(jobId);
            var steps = JsonBody.Steps(await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted))
                ?? throw new InvalidRequestException("steps", "Give 'steps': the new plan, an array of {name, action, params}.");
            return Plan(await http.Jobs().ReplacePlanAsync(id, steps, http.RequestAborted));
        });

    public static Task<IResult> PatchPlanAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var id = ParseId(jobId);
            var edits = FlatfileRequest.ParsePlanEdits(await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted));
            return Plan(await http.Jobs().PatchPlanAsync(id, edits, http.RequestAborted));
        });

    public static Task<IResult> AckAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var id = ParseId(jobId);
            var ack = FlatfileRequest.ParseAck(await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted, allowEmpty: true), FlatfileRequest.AgentOf(http, Caller(http)));
            return FlatfileDialect.Data(FlatfileDialect.ToJob((await http.Jobs().AckAsync(id, ack, http.RequestAborted)).Task));
        });

    public static Task<IResult> AckOutcomeAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
            FlatfileDialect.Data(FlatfileDialect.ToJob((await http.Jobs().AckOutcomeAsync(ParseId(jobId), http.RequestAborted)).Task)));

    public static Task<IResult> CompleteAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var id = ParseId(jobId);
            var finish = FlatfileRequest.ParseFinish(await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted, allowEmpty: true));
            return FlatfileDialect.Data(FlatfileDialect.ToJob((await http.Jobs().CompleteAsync(id, finish, http.RequestAborted)).Task));
        });

    public static Task<IResult> FailAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var id = ParseId(jobId);
            var finish = FlatfileRequest.ParseFinish(await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted, allowEmpty: true));
            return FlatfileDialect.Data(FlatfileDialect.ToJob((await http.Jobs().FailAsync(id, finish, http.RequestAborted)).Task));
        });

    public static Task<IResult> CancelAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var id = ParseId(jobId);
            var body = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted, allowEmpty: true);
            var info = FlatfileRequest.Text(body, "info", FlatfileRequest.MaxInfoLength);
            return FlatfileDialect.Data(FlatfileDialect.ToJob((await http.Jobs().CancelAsync(id, info, http.RequestAborted)).Task));
        });

    /// <summary>The seed: <c>POST /v1/jobs/{jobId}/retry</c> (no body) → <c>{data: Job}</c>; 400 unless the job failed.</summary>
    public static Task<IResult> RetryAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
            FlatfileDialect.Data(FlatfileDialect.ToJob((await http.Jobs().RetryAsync(ParseId(jobId), http.RequestAborted)).Task)));

    public static Task<IResult> SplitAsync(HttpContext http, string jobId) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var id = ParseId(jobId);
            var split = FlatfileRequest.ParseSplit(await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted));
            return FlatfileDialect.Data(FlatfileDialect.ToJob((await http.Jobs().SplitAsync(id, split, http.RequestAborted)).Task));
        });

    /// <summary>Flatfile's preview of record mutations needs its record store; FuncTasks has none.</summary>
    public static Task<IResult> PreviewMutationAsync(HttpContext http) =>
        FlatfileDialect.Instance.RunAsync(http, KeyRole.Operator, () => Task.FromResult(FlatfileDialect.Errors(StatusCodes.Status501NotImplemented,
            "preview-mutation is specific to Flatfile record data (sheets and records), which FuncTasks does not hold; it is not implemented.")));

    private static IResult Plan(TaskSnapshot snapshot)
    {
        var steps = AgentTaskData.Of(snapshot.Task).PlanSteps(snapshot.Steps).Select((s, i) => FlatfileDialect.ToStep(s, i)).ToList();
        return FlatfileDialect.Data(new JobPlanBody(FlatfileDialect.ToJob(snapshot.Task), new FlatfileJobPlan(steps, [], [], [])));
    }

    private static Caller Caller(HttpContext http) => Dialect.CallerOf(http);

    /// <summary>An id that is not a job id names no job: 404, never 500.</summary>
    public static Guid ParseId(string id) =>
        TaskIds.TryParse(id, out var guid) && TaskIds.IsTaskId(guid) ? guid : throw new TaskNotFoundException(NotFoundKind.Task, id);

    private static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<ErrorsBody>(status);
        }

        return builder.Produces<ErrorsBody>(StatusCodes.Status500InternalServerError);
    }
}
