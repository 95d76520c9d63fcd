using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Commands.Agents;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Http;

namespace FuncTasks.Api.Flatfile;

/// <summary>
/// The Flatfile dialect: its status words, its error body <c>{errors: [{key?, message}]}</c>, its sentences for the
/// engine's refusals, and a task as a Flatfile Job. Retry of a job that is not failed is 400 (the seed); other state
/// conflicts are 409.
/// </summary>
public sealed class FlatfileDialect : Dialect
{
    public static FlatfileDialect Instance { get; } = new();

    public static readonly string[] Types = ["file", "workbook", "sheet", "space", "document", "app", "agent", "autobuild", "onboarding"];
    public static readonly string[] Modes = ["foreground", "background", "toolbarBlocking", "hidden"];
    public static readonly string[] Triggers = ["manual", "immediate"];
    public static readonly string[] PartExecutions = ["sequential", "parallel"];

    /// <summary>Every status word Flatfile defines; FuncTasks never reports planning or waiting.</summary>
    public static readonly string[] StatusWords = ["created", "planning", "scheduled", "ready", "executing", "complete", "failed", "canceled", "waiting"];

    public override string Name => "Jobs";

    /// <summary>The Flatfile word for a phase (created, scheduled, ready, executing, complete, failed, canceled).</summary>
    public static string Status(AgentTaskPhase phase) => phase switch
    {
        AgentTaskPhase.Created => "created",
        AgentTaskPhase.Scheduled => "scheduled",
        AgentTaskPhase.Ready => "ready",
        AgentTaskPhase.Executing => "executing",
        AgentTaskPhase.Succeeded => "complete",
        AgentTaskPhase.Failed => "failed",
        _ => "canceled",
    };

    public static AgentTaskPhase? ParseStatus(string word) => word.Trim() switch
    {
        "created" => AgentTaskPhase.Created,
        "scheduled" => AgentTaskPhase.Scheduled,
        "ready" => AgentTaskPhase.Ready,
        "executing" => AgentTaskPhase.Executing,
        "complete" => AgentTaskPhase.Succeeded,
        "failed" => AgentTaskPhase.Failed,
        "canceled" => AgentTaskPhase.Cancelled,
        _ => null,
    };

    public static TaskState StateOf(AgentTaskPhase phase) => phase switch
    {
        AgentTaskPhase.Created => TaskState.Created,
        AgentTaskPhase.Succeeded => TaskState.Succeeded,
        AgentTaskPhase.Failed => TaskState.Failed,
        AgentTaskPhase.Cancelled => TaskState.Cancelled,
        _ => TaskState.InProgress,
    };

    public static FlatfileJob ToJob(TaskRecord task)
    {
        var data = AgentTaskData.Of(task);
        var fields = FlatfileJobFields.Of(data);
        return new FlatfileJob(
            task.Id.ToString(),
            fields.CreatedBy ?? "functasks",
            Wire.Time(task.CreatedAt)!,
            Wire.Time(task.UpdatedAt == default ? task.CreatedAt : task.UpdatedAt)!,
            Wire.Time(data.StartedAtOf(task)),
            Wire.Time(task.Status.IsFinished() ? task.CompletedAt : null),
            Wire.Time(data.OutcomeAcknowledgedAt),
            fields.SpaceId,
            task.Type,
            task.Name,
            fields.Source,
            fields.Destination,
            fields.Config,
            fields.Trigger,
            Status(data.PhaseOf(task)),
            data.ProgressOf(task),
            fields.FileId,
            fields.Mode,
            fields.Input,
            fields.Subject,
            data.Outcome,
            InfoOf(task, data),
            fields.Managed,
            fields.EnvironmentId,
            data.Part,
            data.PartData,
            data.PartExecution,
            data.ParentId,
            data.PredecessorIds,
            fields.Metadata,
            Wire.Time(data.EstimatedCompletionAt));
    }

    /// <summary>The job's info; for a job the engine failed (a plan step, predecessors, parts) the failure says more.</summary>
    private static string? InfoOf(TaskRecord task, AgentTaskData data) => task is { Status: TaskState.Failed, Error: { } error }
        ? error.InnerFailure is { ErrorType: FlatfileServices.JobFailedErrorType } byAgent ? data.Info ?? byAgent.Message : error.Message
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
        TaskConflictException { Agent: { } refused } c => Errors(c.Kind == ConflictKind.RetryNotAllowed ? 400 : 409, Sentence(refused, c)),
        TaskConflictException { Kind: ConflictKind.RetryNotAllowed } c => Errors(400, c.Message),
        TaskConflictException c => Errors(409, c.Message),
        IdempotencyConflictException reused => Errors(409, reused.Message, "Idempotency-Key"),
        InvalidRequestException { Rule: { } rule } invalid => Errors(400, Sentence(rule, invalid), invalid.Field),
        InvalidRequestException invalid => Errors(400, invalid.Message, invalid.Field),
        _ => Errors(400, error.Message),
    };

    /// <summary>Why a job refused a command, in Flatfile's words, from the job's kind and phase when it did.</summary>
    private static string Sentence(AgentTaskRefusal refused, TaskConflictException conflict)
    {
        var phase = Status(refused.Phase);
        return refused.Command switch
        {
            AgentTaskCommand.Execute => $"Job can not be executed: it is {phase}. Only a created job can be executed.",
            AgentTaskCommand.Edit => $"Job can not be edited: it is {phase}. Only a job that has not finished can be edited.",
            AgentTaskCommand.Delete => $"Job can not be deleted while it is {phase}; cancel it first.",
            AgentTaskCommand.Ack => refused switch
            {
                { Kind: AgentTaskKind.Agent, Phase: AgentTaskPhase.Executing } =>
                    $"Job was already acknowledged by another agent ('{refused.AckedBy}'); only that agent can report on it.",
                { Kind: AgentTaskKind.Agent } => $"Job can not be acknowledged: it is {phase}. Only a ready job can be acknowledged.",
                _ => $"Job can not be acknowledged: it runs a plan whose steps FuncTasks executes (it is {phase}).",
            },
            AgentTaskCommand.Complete or AgentTaskCommand.Fail => Unfinishable(refused, refused.Command == AgentTaskCommand.Fail ? "failed" : "completed"),
            AgentTaskCommand.AckOutcome => $"Job's outcome can not be acknowledged: it is {phase}. Only a finished job has an outcome.",
            AgentTaskCommand.Cancel => $"Job can not be canceled: it is {phase}. Only a job that has not finished can be canceled.",
            AgentTaskCommand.Retry => $"Job can not be retried: it is {phase}. Only a failed job can be retried.",
            AgentTaskCommand.Split => refused switch
            {
                { Kind: AgentTaskKind.Parent } => "Job can not be split: it was split already.",
                { Kind: AgentTaskKind.Planned } => "Job can not be split: it runs a plan; only an agent-driven job can be split into parts.",
                { Phase: AgentTaskPhase.Ready or AgentTaskPhase.Executing } => "Job can not be split: no agent step is waiting.",
                _ => $"Job can not be split: it is {phase}. Only a ready or executing job can be split.",
            },
            AgentTaskCommand.ReplacePlan => $"Job's plan can not be replaced: it is {phase}. Only the plan of a created job can be replaced.",
            AgentTaskCommand.EditPlan => refused.Kind != AgentTaskKind.Planned
                ? "Job has no plan to edit: it is driven by an agent."
                : $"Job's plan can not be edited: it is {phase}. Only the plan of a job that has not finished (or has failed) can be edited.",
            AgentTaskCommand.EditPlanStep =>
                $"Plan step '{conflict.StepName}' is {conflict.StepState?.ToString().ToLowerInvariant()}; only a step that has not completed and is not running can be edited.",
            _ => conflict.Message,
        };
    }

    private static string Unfinishable(AgentTaskRefusal refused, string verb) => refused.Phase switch
    {
        AgentTaskPhase.Scheduled => $"Job can not be {verb}: it is scheduled and still waits for its predecessors.",
        AgentTaskPhase.Executing => $"Job can not be {verb}: it runs a plan whose steps FuncTasks executes, and none of them waits for an agent.",
        _ => $"Job can not be {verb}: it is {Status(refused.Phase)}. Only a ready or executing job can be {verb}.",
    };

    /// <summary>A rule of the engine the request broke, in Flatfile's words.</summary>
    private static string Sentence(RequestRule rule, InvalidRequestException invalid) => rule switch
    {
        RequestRule.UnknownParent => $"parentId '{invalid.Value}' names no job.",
        RequestRule.TooManyPredecessors => $"A job may have at most {invalid.Limit} predecessors; {invalid.Count} were given.",
        RequestRule.UnknownPredecessor => $"{invalid.Field} '{invalid.Value}' names no job.",
        RequestRule.FieldsTooLarge => $"The job's fields (config, input, metadata, outcome, ...) take {invalid.Count} characters as JSON; at most {invalid.Limit} are allowed.",
        RequestRule.ProgressComesFromSteps => "The progress of a planned job comes from its steps; only an agent-driven job's progress can be set.",
        _ => invalid.Message,
    };

    public override IResult Unavailable(HttpContext http, string reference, TimeSpan retryAfter) =>
        Errors(503, $"Storage cannot be reached right now; retry after {RetryAfterSeconds(retryAfter)} s (reference {reference}).", "reference");

    public override IResult TooManyRequests(HttpContext http, string partition, TimeSpan retryAfter) =>
        Errors(429, $"Too many requests for {partition}; retry after {RetryAfterSeconds(retryAfter)} s.");

    public override IResult InternalError(HttpContext http, string reference) =>
        Errors(500, $"Unexpected error. Quote the reference {reference} when reporting it.", "reference");
}
