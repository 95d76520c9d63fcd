using System.Text.Json;
using System.Text.Json.Serialization;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace FuncTasks.Core.Notifications;

/// <summary>A notification as a CloudEvents 1.0 structured-mode JSON body (<c>application/cloudevents+json</c>).</summary>
public static class WebhookEnvelope
{
    public const string MediaType = "application/cloudevents+json";

    private static readonly JsonEventFormatter Formatter = new(
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull },
        default);

    /// <summary>The body bytes (signed as they are sent) and their content type.</summary>
    public static (byte[] Body, string ContentType) Encode(NotificationEvent notification, string source)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = notification.Id,
            Source = new Uri(source, UriKind.RelativeOrAbsolute),
            Type = NotificationEventTypes.TypePrefix + notification.Type,
            Subject = notification.Data.TaskId,
            Time = notification.At,
            DataContentType = "application/json",
            Data = notification.Data,
        };
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out var contentType);
        return (body.ToArray(), contentType.ToString());
    }
}
