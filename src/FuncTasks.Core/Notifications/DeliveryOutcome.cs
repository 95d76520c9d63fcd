namespace FuncTasks.Core.Notifications;

public enum DeliveryOutcome
{
    /// <summary>Answered 2xx: done.</summary>
    Delivered,

    /// <summary>Anything else: redelivered later.</summary>
    Failed,

    /// <summary>Failed for longer than the give-up period: this event is dropped and the next one goes.</summary>
    GaveUp,
}
