using System.Text.Json;

namespace FuncTasks.Core.Notifications;

/// <summary>The notification queue's message: a task's new events to hand out, or one subscription's deliveries of one task.</summary>
public sealed record NotificationMessage(Guid TaskId, Guid? SubscriptionId = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Null for anything that is not such a message (it is then dropped).</summary>
    public static NotificationMessage? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            var message = JsonSerializer.Deserialize<NotificationMessage>(text, Json);
            return message is { TaskId: var id } && id != Guid.Empty ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
