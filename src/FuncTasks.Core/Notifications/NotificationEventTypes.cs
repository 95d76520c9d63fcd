namespace FuncTasks.Core.Notifications;

/// <summary>The event types a subscription can ask for; on the wire the CloudEvents <c>type</c> is <c>functasks.</c> + the name.</summary>
public static class NotificationEventTypes
{
    public const string TypePrefix = "functasks.";

    public const string TaskCreated = "task.created";
    public const string TaskStarted = "task.started";
    public const string TaskSucceeded = "task.succeeded";
    public const string TaskFailed = "task.failed";
    public const string TaskCancelled = "task.cancelled";
    public const string TaskRetried = "task.retried";
    public const string StepStarted = "step.started";
    public const string StepSucceeded = "step.succeeded";
    public const string StepFailed = "step.failed";
    public const string StepRetrying = "step.retrying";
    public const string StepRestarted = "step.restarted";
    public const string StepWaiting = "step.waiting";

    public static IReadOnlyList<string> All { get; } =
    [
        TaskCreated, TaskStarted, TaskSucceeded, TaskFailed, TaskCancelled, TaskRetried,
        StepStarted, StepSucceeded, StepFailed, StepRetrying, StepRestarted, StepWaiting,
    ];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
