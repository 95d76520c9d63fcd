namespace FuncTasks.Core.Notifications;

/// <summary>What one POST to a receiver came to: its status code (null without an answer), how long it took, and the error in words.</summary>
public sealed record WebhookResult(int? StatusCode, long LatencyMs, string? Error)
{
    public bool Delivered => StatusCode is >= 200 and < 300;
}
