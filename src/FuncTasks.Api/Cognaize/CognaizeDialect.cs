using System.Reflection;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Model;
using FuncTasks.Core.Definitions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Api.Cognaize;

/// <summary>
/// The Cognaize workflow-engine dialect: the envelope, its status words and its three ways of saying no —
/// 401 "Unauthorized request" (also for a reader key on a mutating endpoint: the dialect has no 403),
/// 412 "Precondition failed" with <c>data</c> naming the precondition, 500 "Internal Server Error" with a reference.
/// </summary>
public sealed class CognaizeDialect : Dialect
{
    public const string UnauthorizedMessage = "Unauthorized request";
    public const string PreconditionFailedMessage = "Precondition failed";
    public const string InternalErrorMessage = "Internal Server Error";
    public const string UnavailableMessage = "Service Unavailable";
    public const string TooManyRequestsMessage = "Too Many Requests";
    public const string ConflictMessage = "Conflict";

    public static CognaizeDialect Instance { get; } = new();

    /// <summary>The <see cref="TaskRecord.Origin"/> of a process (a task started from a stored workflow).</summary>
    public const string Origin = "process";

    /// <summary>The type of a workflow (and of the processes started from it) created without one.</summary>
    public const string DefaultWorkflowType = "PROCESS";

    /// <summary>The service version carried by every envelope: FuncTasks.Api's informational version.</summary>
    public static string Version { get; } =
        typeof(CognaizeDialect).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public override string Name => "Processes";

    public static string Status(TaskState state) => state switch
    {
        TaskState.Created => "CREATED",
        TaskState.InProgress => "STARTED",
        TaskState.Succeeded => "COMPLETED",
        TaskState.Failed => "FAILED",
        _ => "CANCELLED",
    };

    public static string Status(StepState state) => state switch
    {
        StepState.Pending => "PENDING",
        StepState.Started => "STARTED",
        StepState.Completed => "COMPLETED",
        StepState.Failed => "FAILED",
        StepState.Skipped => "SKIPPED",
        _ => "CANCELLED",
    };

    public static IResult Envelope(HttpContext http, int status, string message, object data)
    {
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        return Results.Json(new CognaizeEnvelope(message, Wire.Time(now)!, data, Version), Wire.CamelCase, statusCode: status);
    }

    public static IResult Ok(HttpContext http, string message, object data) => Envelope(http, StatusCodes.Status200OK, message, data);

    public override IResult Unauthorized(HttpContext http) => Envelope(http, StatusCodes.Status401Unauthorized, UnauthorizedMessage,
        "A valid API key is required (Authorization: Bearer <key> or x-functions-key).");

    public override IResult Forbidden(HttpContext http, Caller caller) => Envelope(http, StatusCodes.Status401Unauthorized, UnauthorizedMessage,
        $"The key '{caller.Name}' is a reader key; this operation needs an operator key.");

    public override IResult Error(HttpContext http, FuncTasksException error) => error is IdempotencyConflictException reused
        ? Envelope(http, StatusCodes.Status409Conflict, ConflictMessage, new PreconditionFailure("Idempotency-Key", reused.Message))
        : Envelope(http, StatusCodes.Status412PreconditionFailed, PreconditionFailedMessage, Precondition(error));

    /// <summary>503 with the reference as <c>data</c>, like the 500: the cause is in the log next to it.</summary>
    public override IResult Unavailable(HttpContext http, string reference, TimeSpan retryAfter) => Envelope(http, StatusCodes.Status503ServiceUnavailable,
        UnavailableMessage, reference);

    public override IResult TooManyRequests(HttpContext http, string partition, TimeSpan retryAfter) => Envelope(http, StatusCodes.Status429TooManyRequests,
        TooManyRequestsMessage, $"Too many requests for {partition}; retry after {RetryAfterSeconds(retryAfter)} s.");

    /// <summary>The 500 carries only the reference (its <c>data</c>); the exception is in the log next to it.</summary>
    public override IResult InternalError(HttpContext http, string reference) => Envelope(http, StatusCodes.Status500InternalServerError,
        InternalErrorMessage, reference);

    public static PreconditionFailure Precondition(FuncTasksException error) => error switch
    {
        TaskNotFoundException { Kind: NotFoundKind.Definition } nf => new("workflowId", $"No workflow '{nf.Id}' exists."),
        TaskNotFoundException { Kind: NotFoundKind.Task } nf => new("processId", $"No process '{nf.Id}' exists."),
        TaskNotFoundException nf => new("processStepId", $"No process step '{nf.Id}' exists."),
        TaskConflictException { Kind: ConflictKind.RestartNotAllowed } c => new("processStepStatus",
            $"Step '{c.StepName}' is {StepStateName(c)}; only a FAILED step can be restarted.", ActualStatus: StepWord(c)),
        TaskConflictException { Kind: ConflictKind.CompleteNotAllowed } c => new("processStepStatus",
            $"Step '{c.StepName}'{(c.StepAction is { } action ? $" ({action})" : "")} is {StepStateName(c)}; only a STARTED external step can be completed.", ActualStatus: StepWord(c)),
        TaskConflictException { Kind: ConflictKind.ChangedConcurrently } c => new("noConcurrentChange", c.Message),
        TaskConflictException c => new("processStatus", c.Message, ActualStatus: c.ActualStatus),
        InvalidRequestException invalid => new(Root(invalid.Field), invalid.Message, invalid.Field == Root(invalid.Field) ? null : invalid.Field),
        _ => new("request", error.Message),
    };

    public static ProcessParam Param(ParamValue value) => new(value.StrValue, value.LongValue, value.DoubleValue, value.Type.ToString());

    public static IReadOnlyDictionary<string, ProcessParam> Params(IReadOnlyDictionary<string, ParamValue> values) =>
        values.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => Param(p.Value), StringComparer.Ordinal);

    public static ProcessError? Error(FailureDetails? failure) =>
        failure is null ? null : new ProcessError(failure.ErrorType, failure.Message, Error(failure.InnerFailure));

    /// <param name="events">The process's audit trail, shown as <c>events</c> (who changed what, when), oldest first.</param>
    public static ProcessView ToView(TaskSnapshot snapshot, IReadOnlyList<TaskEvent>? events = null)
    {
        var task = snapshot.Task;
        return new ProcessView(
            task.Id.ToString(),
            (task.Origin == Origin ? StartFromDefinitionHandler.DefinitionIdOf(task) : null)?.ToString(),
            task.Name,
            task.Type,
            Status(task.Status),
            task.Progress,
            Wire.Time(task.CreatedAt)!,
            Wire.Time(task.StartedAt),
            Wire.Time(task.Status.IsFinished() ? task.CompletedAt : null),
            Error(task.Error),
            snapshot.Steps.Select(s => new ProcessStepView(
                s.Id.ToString(),
                s.Name,
                s.Action,
                Status(s.Status),
                Params(s.Params),
                Wire.Time(s.StartedAt),
                Wire.Time(s.Status is StepState.Pending or StepState.Started ? null : s.CompletedAt),
                s.Output,
                Error(s.Error),
                snapshot.AttemptsOf(s.Index).Select(a => new ProcessStepAttemptView(
                    a.Number, Status(a.Outcome), Params(a.Params), Wire.Time(a.StartedAt)!, Wire.Time(a.FinishedAt)!, Error(a.Error))).ToList())
            {
                Retry = RetryContract.From(s.Retry),
                TimeoutSeconds = s.TimeoutSeconds,
                NextAttemptAt = s.IsWaitingToRetry ? Wire.Time(s.NextAttemptAt) : null,
            }).ToList(),
            events is null ? null : CognaizeEvents.ToViews(task.Id, events));
    }

    public static WorkflowView ToView(TaskDefinition workflow) => new(
        workflow.Id.ToString(),
        workflow.Name,
        workflow.Type,
        workflow.Description,
        Wire.Time(workflow.CreatedAt)!,
        workflow.Steps.Select(s => new WorkflowStepView(s.Name, s.Action, s.Description, Params(s.Params))
        {
            Retry = RetryContract.From(s.Retry),
            TimeoutSeconds = s.TimeoutSeconds,
        }).ToList());

    private static string? StepWord(TaskConflictException conflict) => conflict.StepState is { } state ? Status(state) : null;

    /// <summary>The engine's name of the step's state in capitals (<c>COMPLETED</c>), as the sentences of this dialect say it.</summary>
    private static string? StepStateName(TaskConflictException conflict) => conflict.StepState?.ToString().ToUpperInvariant();

    /// <summary>The top-level request field a problem is about: <c>params.url.type</c> → <c>params</c>.</summary>
    private static string Root(string field)
    {
        var end = field.IndexOfAny(['.', '[']);
        return end > 0 ? field[..end] : field;
    }
}
