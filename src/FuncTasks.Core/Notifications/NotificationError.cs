namespace FuncTasks.Core.Notifications;

/// <summary>The error of a failure, as the audit trail keeps it.</summary>
public sealed record NotificationError(string Type, string Message);
