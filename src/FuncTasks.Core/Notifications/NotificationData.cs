namespace FuncTasks.Core.Notifications;

/// <summary>
/// The CloudEvent's <c>data</c>: the task, the step where the event concerns one, the error of a failure and who made the
/// change. Statuses are FuncTasks' own words (<c>Created, InProgress, Succeeded, Failed, Cancelled</c>; steps
/// <c>Pending, Started, Completed, Failed, Skipped, Cancelled</c>).
/// </summary>
public sealed record NotificationData
{
    public required string TaskId { get; init; }

    public required string TaskName { get; init; }

    public required string TaskType { get; init; }

    /// <summary>The task's status right after the change.</summary>
    public required string Status { get; init; }

    public string? StepId { get; init; }

    public string? StepName { get; init; }

    public int? StepIndex { get; init; }

    public string? StepStatus { get; init; }

    public int? Attempt { get; init; }

    public NotificationError? Error { get; init; }

    /// <summary>Who made the change: an API key's name, or <c>engine</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>The command that made it (create, run, retry, cancel, restart-failed-step, complete-step, ...).</summary>
    public string? Operation { get; init; }

    /// <summary>Position of the change in the task's audit trail (<c>GET /v1/tasks/{id}/events</c>).</summary>
    public required int Sequence { get; init; }

    public string? Message { get; init; }
}
