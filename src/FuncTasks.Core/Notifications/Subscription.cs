namespace FuncTasks.Core.Notifications;

/// <summary>A webhook subscription: where to POST which events, and the secret that signs them.</summary>
public sealed record Subscription
{
    public required Guid Id { get; init; }

    public required string Url { get; init; }

    /// <summary>Event types to deliver (<see cref="NotificationEventTypes"/>); empty: all.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>Task types to deliver events of; empty: all.</summary>
    public IReadOnlyList<string> TaskTypes { get; init; } = [];

    public string? Description { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>Why it was disabled by FuncTasks itself (repeated give-ups); null when enabled or disabled by an operator.</summary>
    public string? DisabledReason { get; init; }

    /// <summary><c>whsec_&lt;base64&gt;</c>: the HMAC key of the signatures. Shown once, when created.</summary>
    public required string Secret { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? ETag { get; init; }

    /// <summary>Whether this subscription wants the event: its type and task type pass the filters, and it happened after the subscription was made.</summary>
    public bool Wants(NotificationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.At >= CreatedAt
            && (Events.Count == 0 || Events.Contains(e.Type, StringComparer.Ordinal))
            && (TaskTypes.Count == 0 || TaskTypes.Contains(e.Data.TaskType, StringComparer.Ordinal));
    }
}
