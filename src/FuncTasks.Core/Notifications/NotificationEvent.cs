namespace FuncTasks.Core.Notifications;

/// <summary>
/// One notification, derived from one entry of a task's audit trail. <see cref="Position"/> orders a task's
/// notifications (trail sequence × 10 + its index among that entry's notifications) and never changes, so
/// <see cref="Id"/> (the CloudEvents id and <c>webhook-id</c>) is the same on every redelivery and on every host.
/// </summary>
public sealed record NotificationEvent(string Id, string Type, long Position, DateTimeOffset At, NotificationData Data);
