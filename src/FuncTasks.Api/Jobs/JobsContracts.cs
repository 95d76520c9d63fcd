using System.Text.Json;
using System.Text.Json.Serialization;

namespace FuncTasks.Api.Jobs;

/// <summary>The Flatfile Job (see the seed retry-failed-job.txt and @flatfile/api's Job); absent values are omitted.</summary>
public sealed record FlatfileJob(
    string Id,
    string CreatedBy,
    string CreatedAt,
    string UpdatedAt,
    string? StartedAt,
    string? FinishedAt,
    string? OutcomeAcknowledgedAt,
    string? SpaceId,
    string Type,
    string Operation,
    string Source,
    string? Destination,
    JsonElement? Config,
    string Trigger,
    string Status,
    int Progress,
    string? FileId,
    string? Mode,
    JsonElement? Input,
    JsonElement? Subject,
    JsonElement? Outcome,
    string? Info,
    bool? Managed,
    string? EnvironmentId,
    int? Part,
    JsonElement? PartData,
    string? PartExecution,
    string? ParentId,
    IReadOnlyList<string>? PredecessorIds,
    JsonElement? Metadata,
    string? EstimatedCompletionAt);

/// <summary>Success bodies: <c>{data: ...}</c>.</summary>
public sealed record DataBody<T>(T Data);

public sealed record JobsPagination(int CurrentPage, int PageCount, int TotalCount);

public sealed record JobsPage(JobsPagination Pagination, IReadOnlyList<FlatfileJob> Data);

public sealed record SuccessData(bool Success);

/// <summary>Every error body of this dialect: <c>{errors: [{key?, message}]}</c>; <c>key</c> names the field at fault.</summary>
public sealed record ErrorsBody(IReadOnlyList<JobError> Errors);

public sealed record JobError(string? Key, string Message);

/// <summary>
/// <c>{job, plan}</c>: the plan's steps, plus Flatfile's (empty) field-mapping lists so Flatfile clients read it.
/// </summary>
public sealed record JobPlanBody(FlatfileJob Job, FlatfileJobPlan Plan);

public sealed record FlatfileJobPlan(
    IReadOnlyList<FlatfilePlanStep> Steps,
    IReadOnlyList<JsonElement> FieldMapping,
    IReadOnlyList<JsonElement> UnmappedSourceFields,
    IReadOnlyList<JsonElement> UnmappedDestinationFields);

/// <param name="Index">Position in the plan, from 0 (what PATCH /plan takes).</param>
public sealed record FlatfilePlanStep(
    string Id,
    int Index,
    string Name,
    string Action,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, JobParam> Params,
    string Status,
    int Attempts,
    string? StartedAt,
    string? FinishedAt,
    JobStepError? Error,
    string? Output)
{
    /// <summary>The step's retry policy (absent when it has none).</summary>
    public Common.RetryContract? Retry { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>While the step waits to be tried again after a failure: when its next attempt is due.</summary>
    public string? NextAttemptAt { get; init; }
}

/// <summary>A typed parameter: <c>{strValue | longValue | doubleValue, type: STRING | LONG | DOUBLE}</c>.</summary>
public sealed record JobParam(string? StrValue, long? LongValue, double? DoubleValue, string Type);

public sealed record JobStepError(string Type, string Message);

/// <summary>The body of <c>POST /v1/jobs</c> (documentation shape; the handler parses it by hand for precise errors).</summary>
public sealed record CreateJobRequest(
    string Type,
    string Operation,
    string Source,
    string? Destination,
    JsonElement? Config,
    string? Trigger,
    string? Mode,
    JsonElement? Input,
    JsonElement? Subject,
    JsonElement? Metadata,
    bool? Managed,
    string? EnvironmentId,
    string? SpaceId,
    string? FileId,
    string? Info,
    string? ParentId,
    IReadOnlyList<string>? PredecessorIds,
    int? Part,
    JsonElement? PartData,
    string? PartExecution,
    CreateJobPlan? Plan);

public sealed record CreateJobPlan(IReadOnlyList<CreateJobStep> Steps);

public sealed record CreateJobStep(
    string Name, string Action, string? Description, [property: JsonPropertyName("params")] IReadOnlyDictionary<string, JobParam>? Params,
    Common.RetryContract? Retry = null, int? TimeoutSeconds = null);

public sealed record AckJobRequest(string? Info, int? Progress, string? EstimatedCompletionAt);

public sealed record FinishJobRequest(JsonElement? Outcome, string? Info);

public sealed record CancelJobRequest(string? Info);

/// <param name="Parts">A number of parts, or an array with each part's partData.</param>
public sealed record SplitJobRequest(JsonElement Parts, bool? RunInParallel);

public sealed record PatchPlanRequest(IReadOnlyList<PatchPlanStep> Steps);

public sealed record PatchPlanStep(int? Index, string? Name, [property: JsonPropertyName("params")] IReadOnlyDictionary<string, JobParam> Params);
