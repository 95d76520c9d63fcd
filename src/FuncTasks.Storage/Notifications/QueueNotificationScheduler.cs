using Azure.Storage.Queues;
using FuncTasks.Core.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Storage.Notifications;

/// <summary>
/// The Functions app's scheduler: a change or a redelivery becomes a message on the notification queue, which the app's
/// queue trigger hands to <see cref="NotificationDispatcher.HandleAsync"/>; a redelivery's message stays invisible for its
/// back-off. A message that cannot be sent is logged and left to the timer-triggered sweep (the marker or cursor is stored).
/// </summary>
public sealed partial class QueueNotificationScheduler(
    QueueServiceClient queues, SubscriptionCache cache, IOptions<NotificationOptions> options, ILogger<QueueNotificationScheduler> logger)
    : INotificationScheduler
{
    private readonly QueueClient _queue = queues.GetQueueClient(NotificationOptions.DefaultQueueName);

    public QueueClient Queue => _queue;

    public void TaskChanged(Guid taskId)
    {
        if (options.Value.Enabled && cache.MayHaveSubscribers)
        {
            _ = SendAsync(new NotificationMessage(taskId), TimeSpan.Zero);
        }
    }

    public Task RedeliverAsync(Guid subscriptionId, Guid taskId, TimeSpan delay, CancellationToken cancellationToken) =>
        SendAsync(new NotificationMessage(taskId, subscriptionId), delay);

    private async Task SendAsync(NotificationMessage message, TimeSpan delay)
    {
        try
        {
            // Base64, as the Functions queue trigger reads messages by default.
            var text = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(message.ToJson()));
            try
            {
                await _queue.SendMessageAsync(text, visibilityTimeout: delay > TimeSpan.Zero ? delay : null);
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // The trigger creates its queue when it starts listening; a change made before that creates it here.
                await _queue.CreateIfNotExistsAsync();
                await _queue.SendMessageAsync(text, visibilityTimeout: delay > TimeSpan.Zero ? delay : null);
            }
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or IOException or HttpRequestException or OperationCanceledException)
        {
            LogSendFailed(ex, message.TaskId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification message for task {TaskId} could not be queued; the sweep delivers it")]
    private partial void LogSendFailed(Exception exception, Guid taskId);
}
