using System.Text.Json.Serialization;
using FuncTasks.Api.Common;

namespace FuncTasks.Api.Tasks;

/// <summary>The VMware Cloud Foundation Task (see reference/vcf-tasks-openapi-subset.json).</summary>
public sealed record VcfTask(
    string Id,
    string Name,
    string Type,
    string Status,
    string CreationTimestamp,
    string? CompletionTimestamp,
    IReadOnlyList<VcfSubTask>? SubTasks,
    IReadOnlyList<VcfError> Errors,
    string? ResolutionStatus,
    bool IsCancellable,
    bool IsRetryable)
{
    /// <summary>The task's default retry policy for its steps (FuncTasks' addition; absent when none was given).</summary>
    public RetryContract? Retry { get; init; }
}

/// <summary>A step as a VCF SubTask, with its step <c>id</c> (usable as a processStepId).</summary>
public sealed record VcfSubTask(
    string Id,
    string Name,
    string Type,
    string Description,
    string Status,
    string CreationTimestamp,
    string? CompletionTimestamp,
    IReadOnlyList<VcfError> Errors)
{
    /// <summary>The step's own retry policy (FuncTasks' addition; absent when it has none).</summary>
    public RetryContract? Retry { get; init; }

    /// <summary>The step's time limit per attempt, in seconds (FuncTasks' addition).</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>While the step waits to be tried again after a failure: when its next attempt is due (FuncTasks' addition).</summary>
    public string? NextAttemptAt { get; init; }
}

/// <summary>The VCF Error object (every error body of this dialect, and the errors of a task).</summary>
public sealed record VcfError(
    string ErrorCode,
    string ErrorType,
    string Message,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Context,
    string? RemediationMessage,
    IReadOnlyList<VcfErrorCause> Causes,
    IReadOnlyList<VcfError> NestedErrors,
    string? ReferenceToken = null);

public sealed record VcfErrorCause(string Type, string Message);

public sealed record VcfPageMetadata(int PageNumber, int PageSize, int TotalElements, int TotalPages);

public sealed record VcfPageOfTask(IReadOnlyList<VcfTask> Elements, VcfPageMetadata PageMetadata);

/// <summary>The body of <c>POST /v1/tasks</c> (documentation shape; the handler parses it by hand for precise errors).</summary>
public sealed record VcfCreateTaskRequest(
    string Name,
    string Type,
    string? Description,
    IReadOnlyList<VcfCreateStep> Steps,
    RetryContract? Retry = null);

public sealed record VcfCreateStep(
    string Name,
    string Action,
    string? Description,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, ParamContract>? Params,
    RetryContract? Retry = null,
    int? TimeoutSeconds = null);

/// <summary>A typed parameter on the wire: <c>{strValue | longValue | doubleValue, type: STRING | LONG | DOUBLE}</c>.</summary>
public sealed record ParamContract(string? StrValue, long? LongValue, double? DoubleValue, string Type);
