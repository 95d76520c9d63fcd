using FuncTasks.Api.Common;
using FuncTasks.Core;
using FuncTasks.Core.Commands.Jobs;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Http;

namespace FuncTasks.Api.Jobs;

/// <summary>
/// The Flatfile dialect: its status words, its error body <c>{errors: [{key?, message}]}</c>, and a task as a Flatfile Job.
/// Retry of a job that is not failed is 400 (the seed); other state conflicts are 409.
/// </summary>
public sealed class JobsDialect : Dialect
{
    public static JobsDialect Instance { get; } = new();

    public static readonly string[] Types = ["file", "workbook", "sheet", "space", "document", "app", "agent", "autobuild", "onboarding"];
    public static readonly string[] Modes = ["foreground", "background", "toolbarBlocking", "hidden"];
    public static readonly string[] Triggers = ["manual", "immediate"];
    public static readonly string[] PartExecutions = ["sequential", "parallel"];

    /// <summary>Every status word Flatfile defines; FuncTasks never reports planning or waiting.</summary>
    public static readonly string[] StatusWords = ["created", "planning", "scheduled", "ready", "executing", "complete", "failed", "canceled", "waiting"];

    public override string Name => "Jobs";

    public static string Status(JobPhase phase) => JobsHandler.Word(phase);

    public static JobPhase? ParseStatus(string word) => word.Trim() switch
    {
        "created" => JobPhase.Created,
        "scheduled" => JobPhase.Scheduled,
        "ready" => JobPhase.Ready,
        "executing" => JobPhase.Executing,
        "complete" => JobPhase.Complete,
        "failed" => JobPhase.Failed,
        "canceled" => JobPhase.Canceled,
        _ => null,
    };

    public static TaskState StateOf(JobPhase phase) => phase switch
    {
        JobPhase.Created => TaskState.Created,
        JobPhase.Complete => TaskState.Succeeded,
        JobPhase.Failed => TaskState.Failed,
        JobPhase.Canceled => TaskState.Cancelled,
        _ => TaskState.InProgress,
    };

    public static FlatfileJob ToJob(TaskRecord task)
    {
        var data = JobData.Of(task);
        return new FlatfileJob(
            task.Id.ToString(),
            data.CreatedBy ?? "functasks",
            Wire.Time(task.CreatedAt)!,
            Wire.Time(task.UpdatedAt == default ? task.CreatedAt : task.UpdatedAt)!,
            Wire.Time(data.StartedAtOf(task)),
            Wire.Time(task.Status.IsFinished() ? task.CompletedAt : null),
            Wire.Time(data.OutcomeAcknowledgedAt),
            data.SpaceId,
            task.Type,
            task.Name,
            data.Source,
            data.Destination,
            data.Config,
            data.Trigger,
            Status(data.PhaseOf(task)),
            data.ProgressOf(task),
            data.FileId,
            data.Mode,
            data.Input,
            data.Subject,
            data.Outcome,
            InfoOf(task, data),
            data.Managed,
            data.EnvironmentId,
            data.Part,
            data.PartData,
            data.PartExecution,
            data.ParentId,
            data.PredecessorIds,
            data.Metadata,
            Wire.Time(data.EstimatedCompletionAt));
    }

    /// <summary>The job's info; for a job the engine failed (a plan step, predecessors, parts) the failure says more.</summary>
    private static string? InfoOf(TaskRecord task, JobData data) => task is { Status: TaskState.Failed, Error: { } error }
        ? error.InnerFailure is { ErrorType: JobsHandler.JobFailedErrorType } byAgent ? data.Info ?? byAgent.Message : error.Message
        : data.Info;

    public static FlatfilePlanStep ToStep(TaskStep step, int index) => new(
        step.Id.ToString(),
        index,
        step.Name,
        step.Action,
        step.Params.ToDictionary(p => p.Key, p => new JobParam(p.Value.StrValue, p.Value.LongValue, p.Value.DoubleValue, p.Value.Type.ToString())),
        step.Status.ToString().ToLowerInvariant(),
        step.AttemptCount,
        Wire.Time(step.StartedAt),
        Wire.Time(step.Status is StepState.Completed or StepState.Failed or StepState.Cancelled ? step.CompletedAt : null),
        step.Error is { } e ? new JobStepError(e.ErrorType, e.Message) : null,
        step.Output)
    {
        Retry = RetryContract.From(step.Retry),
        TimeoutSeconds = step.TimeoutSeconds,
        NextAttemptAt = step.IsWaitingToRetry ? Wire.Time(step.NextAttemptAt) : null,
    };

    public static IResult Data(object data, int status = StatusCodes.Status200OK) => Results.Json(new DataBody<object>(data), Wire.CamelCase, statusCode: status);

    public static IResult Errors(int status, string message, string? key = null) =>
        Results.Json(new ErrorsBody([new JobError(key, message)]), Wire.CamelCase, statusCode: status);

    public override IResult Unauthorized(HttpContext http) =>
        Errors(401, "A valid API key is required: Authorization: Bearer <key> (or x-functions-key).");

    public override IResult Forbidden(HttpContext http, Caller caller) =>
        Errors(403, $"The key '{caller.Name}' is a reader key; this operation needs an operator key.");

    public override IResult Error(HttpContext http, FuncTasksException error) => error switch
    {
        TaskNotFoundException nf => Errors(404, $"Job '{nf.Id}' was not found."),
        TaskConflictException { Kind: ConflictKind.RetryNotAllowed } c => Errors(400, c.Message),
        TaskConflictException c => Errors(409, c.Message),
        IdempotencyConflictException reused => Errors(409, reused.Message, "Idempotency-Key"),
        InvalidRequestException invalid => Errors(400, invalid.Message, invalid.Field),
        _ => Errors(400, error.Message),
    };

    public override IResult Unavailable(HttpContext http, string reference, TimeSpan retryAfter) =>
        Errors(503, $"Storage cannot be reached right now; retry after {RetryAfterSeconds(retryAfter)} s (reference {reference}).", "reference");

    public override IResult TooManyRequests(HttpContext http, string partition, TimeSpan retryAfter) =>
        Errors(429, $"Too many requests for {partition}; retry after {RetryAfterSeconds(retryAfter)} s.");

    public override IResult InternalError(HttpContext http, string reference) =>
        Errors(500, $"Unexpected error. Quote the reference {reference} when reporting it.", "reference");
}
