using FuncTasks.Core.Notifications;
using Microsoft.Azure.Functions.Worker;

namespace FuncTasks.Functions.Notifications;

/// <summary>
/// Webhook notifications in the Functions app: the queue trigger takes a change or a due redelivery, the timer runs the
/// recovery sweep; one-line delegations to Core's <see cref="NotificationDispatcher"/>, like the LocalHost's in-process service.
/// </summary>
public sealed class NotificationFunctions(NotificationDispatcher dispatcher)
{
    public const string DispatchName = "DispatchNotifications";
    public const string SweepName = "SweepNotifications";

    [Function(DispatchName)]
    public Task Dispatch([QueueTrigger(NotificationOptions.DefaultQueueName)] string message, FunctionContext function) =>
        NotificationMessage.Parse(message) is { } parsed ? dispatcher.HandleAsync(parsed, function.CancellationToken) : Task.CompletedTask;

    [Function(SweepName)]
    public Task Sweep([TimerTrigger("0 */1 * * * *")] TimerInfo timer, FunctionContext function) =>
        dispatcher.SweepAsync((s, t) => dispatcher.DeliverAsync(s, t, function.CancellationToken), function.CancellationToken);
}
