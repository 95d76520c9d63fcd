namespace FuncTasks.Api.Processes;

/// <summary>Every response of the Cognaize dialect: <c>{message, timestamp, data, version}</c>.</summary>
public sealed record CognaizeEnvelope(string Message, string Timestamp, object Data, string Version);

/// <summary>A typed parameter on the wire: <c>{strValue | longValue | doubleValue, type: STRING | LONG | DOUBLE}</c>.</summary>
public sealed record ProcessParam(string? StrValue, long? LongValue, double? DoubleValue, string Type);

/// <summary>The data of restart-failed-step and complete-step: the step and the parameters now in force.</summary>
public sealed record ProcessStepData(string ProcessId, string ProcessStepId, IReadOnlyDictionary<string, ProcessParam> Params);

/// <summary>The data of start: the new process, its first step and that step's parameters.</summary>
public sealed record ProcessStartedData(string ProcessId, string ProcessStepId, string WorkflowId, string Status, IReadOnlyDictionary<string, ProcessParam> Params);

/// <summary>The data of a 412: which precondition failed and why.</summary>
public sealed record PreconditionFailure(string Precondition, string Reason, string? Field = null, string? ActualStatus = null);

public sealed record ProcessView(
    string ProcessId,
    string? WorkflowId,
    string Name,
    string Type,
    string Status,
    int Progress,
    string CreatedAt,
    string? StartedAt,
    string? CompletedAt,
    ProcessError? Error,
    IReadOnlyList<ProcessStepView> Steps,
    IReadOnlyList<ProcessEventView>? Events = null);

public sealed record ProcessStepView(
    string ProcessStepId,
    string Name,
    string Action,
    string Status,
    IReadOnlyDictionary<string, ProcessParam> Params,
    string? StartedAt,
    string? CompletedAt,
    string? Output,
    ProcessError? Error,
    IReadOnlyList<ProcessStepAttemptView> Attempts)
{
    /// <summary>The step's own retry policy (absent when it has none).</summary>
    public Common.RetryContract? Retry { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>While the step waits to be tried again after a failure: when its next attempt is due.</summary>
    public string? NextAttemptAt { get; init; }
}

/// <summary>One finished attempt of a step, with the parameters it ran with.</summary>
public sealed record ProcessStepAttemptView(
    int Number,
    string Status,
    IReadOnlyDictionary<string, ProcessParam> Params,
    string StartedAt,
    string FinishedAt,
    ProcessError? Error);

public sealed record ProcessError(string Type, string Message, ProcessError? Cause);

/// <summary>A stored workflow; a parameter shown with a type and no value is an input given at start.</summary>
public sealed record WorkflowView(
    string WorkflowId,
    string Name,
    string Type,
    string? Description,
    string CreatedAt,
    IReadOnlyList<WorkflowStepView> Steps);

public sealed record WorkflowStepView(string Name, string Action, string? Description, IReadOnlyDictionary<string, ProcessParam> Params)
{
    /// <summary>The step's retry policy (absent when it has none).</summary>
    public Common.RetryContract? Retry { get; init; }

    public int? TimeoutSeconds { get; init; }
}

/// <summary>Body of restart-failed-step and complete-step (documentation shape; parsed by hand for precise 412s).</summary>
public sealed record ProcessStepRequest(string ProcessStepId, IReadOnlyDictionary<string, ProcessParam>? Params);

/// <summary>Body of start (documentation shape).</summary>
public sealed record StartProcessRequest(string WorkflowId, IReadOnlyDictionary<string, ProcessParam>? Params, Common.RetryContract? Retry = null);

/// <summary>Body of POST /api/v1/workflows (documentation shape).</summary>
public sealed record CreateWorkflowRequest(string Name, string? Type, string? Description, IReadOnlyList<WorkflowStepView> Steps);
