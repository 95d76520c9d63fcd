using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Http;

namespace FuncTasks.Api.Vcf;

/// <summary>The VCF dialect: its status words, its Error body, and the mapping of a task to a VCF Task.</summary>
public sealed class VcfDialect : Dialect
{
    public static VcfDialect Instance { get; } = new();

    /// <summary>The <see cref="TaskRecord.Origin"/> of a task created through this dialect.</summary>
    public const string Origin = "tasks";

    public const string NotRetryableMessage = "Task can not be retried. Only a failed Task can be retried.";
    public const string NotCancellableMessage = "Task can not be cancelled. Only a IN_PROGRESS task can be cancelled.";

    public override string Name => "Tasks";

    public static string Status(TaskState state) => state switch
    {
        TaskState.Created => "PENDING",
        TaskState.InProgress => "IN_PROGRESS",
        TaskState.Succeeded => "SUCCESSFUL",
        TaskState.Failed => "FAILED",
        _ => "CANCELLED",
    };

    public static string Status(StepState state) => state switch
    {
        StepState.Pending => "PENDING",
        StepState.Started => "IN_PROGRESS",
        StepState.Completed => "SUCCESSFUL",
        StepState.Failed => "FAILED",
        StepState.Skipped => "SKIPPED",
        _ => "CANCELLED",
    };

    public static TaskState? ParseStatus(string text) => text.Trim().ToUpperInvariant().Replace(' ', '_') switch
    {
        "PENDING" => TaskState.Created,
        "IN_PROGRESS" => TaskState.InProgress,
        "SUCCESSFUL" => TaskState.Succeeded,
        "FAILED" => TaskState.Failed,
        "CANCELLED" => TaskState.Cancelled,
        _ => null,
    };

    public static VcfTask ToTask(TaskRecord task, IReadOnlyList<TaskStep>? steps) => new(
        task.Id.ToString(),
        task.Name,
        task.Type,
        Status(task.Status),
        Wire.Time(task.CreatedAt)!,
        Wire.Time(task.Status.IsFinished() ? task.CompletedAt : null),
        steps?.Select(ToSubTask).ToList(),
        task.Error is { } error ? [FromFailure(error, task.FailedStepIndex is { } i ? steps?.ElementAtOrDefault(i) : null)] : [],
        task.Status switch
        {
            TaskState.Failed => "UNRESOLVED",
            TaskState.Succeeded or TaskState.Cancelled => "RESOLVED",
            _ => null,
        },
        task.Status == TaskState.InProgress,
        task.Status == TaskState.Failed)
    {
        Retry = RetryContract.From(task.Retry),
    };

    private static VcfSubTask ToSubTask(TaskStep step) => new(
        step.Id.ToString(),
        step.Name,
        step.Action,
        step.Description ?? $"{step.Action} step '{step.Name}'",
        Status(step.Status),
        Wire.Time(step.CreatedAt)!,
        Wire.Time(step.Status is StepState.Completed or StepState.Failed or StepState.Cancelled or StepState.Skipped ? step.CompletedAt : null),
        step.Error is { } error ? [FromFailure(error, step)] : [])
    {
        Retry = RetryContract.From(step.Retry),
        TimeoutSeconds = step.TimeoutSeconds,
        NextAttemptAt = step.IsWaitingToRetry ? Wire.Time(step.NextAttemptAt) : null,
    };

    public static VcfError FromFailure(FailureDetails failure, TaskStep? step)
    {
        var context = new Dictionary<string, string>();
        if (step is not null)
        {
            context["stepName"] = step.Name;
            context["stepId"] = step.Id.ToString();
            context["action"] = step.Action;
        }

        return new VcfError(
            "TASK_STEP_FAILED",
            failure.ErrorType,
            failure.Message,
            step is null ? [] : [step.Name],
            context,
            step is null ? null : "Fix the cause, then retry the task (PATCH /v1/tasks/{id}) or restart the step with corrected parameters (POST /api/v1/processes/restart-failed-step).",
            failure.InnerFailure?.Chain().Select(c => new VcfErrorCause(c.ErrorType, c.Message)).ToList() ?? [],
            []);
    }

    public static VcfError Error(string code, string type, string message, IReadOnlyList<string>? arguments = null,
        IReadOnlyDictionary<string, string>? context = null, string? remediation = null, string? reference = null) =>
        new(code, type, message, arguments ?? [], context ?? new Dictionary<string, string>(), remediation, [], [], reference);

    public override IResult Unauthorized(HttpContext http) => Json(401,
        Error("UNAUTHORIZED", "AUTHENTICATION", "A valid API key is required (Authorization: Bearer <key> or x-functions-key).",
            remediation: "Send an API key configured in FuncTasks:Auth:Keys."));

    public override IResult Forbidden(HttpContext http, Caller caller) => Json(403,
        Error("FORBIDDEN", "AUTHORIZATION", $"The key '{caller.Name}' is a reader key; this operation needs an operator key."));

    public override IResult Error(HttpContext http, FuncTasksException error) => error switch
    {
        TaskNotFoundException nf => Json(404, Error("TASK_NOT_FOUND", "NOT_FOUND", "Task not found", [nf.Id], new Dictionary<string, string> { ["id"] = nf.Id })),
        TaskConflictException { Kind: ConflictKind.RetryNotAllowed } c => Json(409, Error("TASK_NOT_RETRYABLE", "CONFLICT",
            NotRetryableMessage, [ActualStatus(c)], new Dictionary<string, string> { ["status"] = ActualStatus(c) })),
        TaskConflictException { Kind: ConflictKind.CancelNotAllowed } c => Json(409, Error("TASK_NOT_CANCELLABLE", "CONFLICT",
            NotCancellableMessage, [ActualStatus(c)], new Dictionary<string, string> { ["status"] = ActualStatus(c) })),
        TaskConflictException c => Json(409, Error("TASK_CONFLICT", "CONFLICT", c.Message)),
        IdempotencyConflictException reused => Json(409, Error(reused.Code, "CONFLICT", reused.Message, [reused.Key],
            new Dictionary<string, string> { ["Idempotency-Key"] = reused.Key },
            reused.Code == "IDEMPOTENCY_KEY_IN_PROGRESS" ? "Send the same request again shortly." : "Send a new Idempotency-Key with a new request.")),
        InvalidRequestException invalid => Json(400, Error("INVALID_REQUEST", "VALIDATION", invalid.Message, [invalid.Field],
            new Dictionary<string, string> { ["field"] = invalid.Field })),
        _ => Json(400, Error("INVALID_REQUEST", "VALIDATION", error.Message)),
    };

    public override IResult InternalError(HttpContext http, string reference) => Json(500,
        Error("INTERNAL_SERVER_ERROR", "UNEXPECTED", "Unexpected error. Quote the reference token when reporting it.", reference: reference));

    public override IResult Unavailable(HttpContext http, string reference, TimeSpan retryAfter) => Json(503,
        Error("SERVICE_UNAVAILABLE", "UNAVAILABLE", $"The task store cannot be reached right now. Retry after {RetryAfterSeconds(retryAfter)} s.",
            remediation: "Retry after the Retry-After delay; creates can carry an Idempotency-Key so a retry never creates twice.", reference: reference));

    public override IResult TooManyRequests(HttpContext http, string partition, TimeSpan retryAfter) => Json(429,
        Error("TOO_MANY_REQUESTS", "RATE_LIMIT", $"Too many requests for {partition}; retry after {RetryAfterSeconds(retryAfter)} s.",
            remediation: "Slow down; the limits are FuncTasks:RateLimit:TokenLimit and TokensPerSecond."));

    public static IResult Json(int status, object body) => Results.Json(body, Wire.CamelCase, statusCode: status);

    private static string ActualStatus(TaskConflictException c) => c.TaskState is { } state ? Status(state) : "UNKNOWN";
}
