using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FuncTasks.Core.Notifications;

namespace FuncTasks.Storage.Notifications;

/// <summary>
/// Rows of notifications. In each task's partition of the tasks table: the pending-events marker "notify" (between the
/// event rows and the step rows, so neither the task's reads nor its trail's see it; deleted with the task). In the
/// subscriptions table: partition "subscription" holds one row per subscription; a partition per subscription (its id)
/// holds its figures, its delivery cursors ("cursor-&lt;task id&gt;") and its recent attempts ("delivery-&lt;inverted ticks&gt;-…").
/// </summary>
internal static class NotificationEntities
{
    public const string MarkerRowKey = "notify";
    public const string SubscriptionPartition = "subscription";
    public const string FiguresRowKey = "figures";
    public const string CursorPrefix = "cursor-";
    public const string CursorEnd = "cursor.";
    public const string DeliveryPrefix = "delivery-";
    public const string DeliveryEnd = "delivery.";

    /// <summary>What every write that records events merges into its task's partition, in its own transaction.</summary>
    public static TableTransactionAction PendingMarker(Guid taskId) =>
        new(TableTransactionActionType.UpsertMerge, new TableEntity(taskId.ToString("D"), MarkerRowKey) { ["Kind"] = "notify", ["Pending"] = true });

    public static OutboxMarker ToMarker(TableEntity e) => new()
    {
        TaskId = Guid.Parse(e.PartitionKey),
        Pending = e.GetBoolean("Pending") ?? false,
        FannedOut = e.GetInt64("FannedOut") ?? -1,
        LeaseOwner = e.GetString("LeaseOwner"),
        LeaseUntil = e.GetDateTimeOffset("LeaseUntil"),
        ETag = e.ETag.ToString(),
    };

    public static TableEntity ToEntity(OutboxMarker m) => new(m.TaskId.ToString("D"), MarkerRowKey)
    {
        ["Kind"] = "notify",
        ["Pending"] = m.Pending,
        ["FannedOut"] = m.FannedOut,
        ["LeaseOwner"] = m.LeaseOwner,
        ["LeaseUntil"] = m.LeaseUntil,
    };

    public static string CursorRowKey(Guid taskId) => CursorPrefix + taskId.ToString("D");

    public static DeliveryCursor ToCursor(TableEntity e) => new()
    {
        SubscriptionId = Guid.Parse(e.PartitionKey),
        TaskId = Guid.Parse(e.RowKey[CursorPrefix.Length..]),
        Delivered = e.GetInt64("Delivered") ?? -1,
        Target = e.GetInt64("Target") ?? -1,
        Attempts = e.GetInt32("Attempts") ?? 0,
        FirstFailedAt = e.GetDateTimeOffset("FirstFailedAt"),
        NextAttemptAt = e.GetDateTimeOffset("NextAttemptAt"),
        LeaseOwner = e.GetString("LeaseOwner"),
        LeaseUntil = e.GetDateTimeOffset("LeaseUntil"),
        ETag = e.ETag.ToString(),
    };

    public static TableEntity ToEntity(DeliveryCursor c) => new(c.SubscriptionId.ToString("D"), CursorRowKey(c.TaskId))
    {
        ["Delivered"] = c.Delivered,
        ["Target"] = c.Target,
        ["Attempts"] = c.Attempts,
        ["FirstFailedAt"] = c.FirstFailedAt,
        ["NextAttemptAt"] = c.NextAttemptAt,
        ["LeaseOwner"] = c.LeaseOwner,
        ["LeaseUntil"] = c.LeaseUntil,
    };

    public static TableEntity ToEntity(Subscription s) => new(SubscriptionPartition, s.Id.ToString("D"))
    {
        ["Url"] = s.Url,
        ["Events"] = JsonSerializer.Serialize(s.Events),
        ["TaskTypes"] = JsonSerializer.Serialize(s.TaskTypes),
        ["Description"] = s.Description,
        ["Enabled"] = s.Enabled,
        ["DisabledReason"] = s.DisabledReason,
        ["Secret"] = s.Secret,
        ["CreatedAt"] = s.CreatedAt,
        ["CreatedBy"] = s.CreatedBy,
        ["UpdatedAt"] = s.UpdatedAt,
    };

    public static Subscription ToSubscription(TableEntity e) => new()
    {
        Id = Guid.Parse(e.RowKey),
        Url = e.GetString("Url") ?? string.Empty,
        Events = JsonSerializer.Deserialize<List<string>>(e.GetString("Events") ?? "[]") ?? [],
        TaskTypes = JsonSerializer.Deserialize<List<string>>(e.GetString("TaskTypes") ?? "[]") ?? [],
        Description = e.GetString("Description"),
        Enabled = e.GetBoolean("Enabled") ?? true,
        DisabledReason = e.GetString("DisabledReason"),
        Secret = e.GetString("Secret") ?? string.Empty,
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        CreatedBy = e.GetString("CreatedBy"),
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
        ETag = e.ETag.ToString(),
    };

    public static TableEntity ToEntity(Guid subscriptionId, SubscriptionFigures f) => new(subscriptionId.ToString("D"), FiguresRowKey)
    {
        ["Delivered"] = f.Delivered,
        ["FailedAttempts"] = f.FailedAttempts,
        ["GaveUp"] = f.GaveUp,
        ["GiveUpsInARow"] = f.GiveUpsInARow,
        ["Failing"] = f.Failing,
        ["LastError"] = f.LastError is null ? null : Core.Model.FailureDetails.Cap(f.LastError, 1024),
        ["LastErrorAt"] = f.LastErrorAt,
        ["LastDeliveryAt"] = f.LastDeliveryAt,
    };

    public static SubscriptionFigures ToFigures(TableEntity e) => new()
    {
        Delivered = e.GetInt64("Delivered") ?? 0,
        FailedAttempts = e.GetInt64("FailedAttempts") ?? 0,
        GaveUp = e.GetInt64("GaveUp") ?? 0,
        GiveUpsInARow = e.GetInt32("GiveUpsInARow") ?? 0,
        Failing = e.GetBoolean("Failing") ?? false,
        LastError = e.GetString("LastError"),
        LastErrorAt = e.GetDateTimeOffset("LastErrorAt"),
        LastDeliveryAt = e.GetDateTimeOffset("LastDeliveryAt"),
        ETag = e.ETag.ToString(),
    };

    /// <summary>Newest first: the row key starts with the inverted time.</summary>
    public static TableEntity ToEntity(DeliveryAttempt a) =>
        new(a.SubscriptionId.ToString("D"), $"{DeliveryPrefix}{DateTimeOffset.MaxValue.UtcTicks - a.At.UtcTicks:D19}-{Guid.NewGuid():N}")
        {
            ["EventId"] = a.EventId,
            ["EventType"] = a.EventType,
            ["TaskId"] = a.TaskId.ToString("D"),
            ["Attempt"] = a.Attempt,
            ["At"] = a.At,
            ["StatusCode"] = a.StatusCode,
            ["LatencyMs"] = a.LatencyMs,
            ["Outcome"] = a.Outcome.ToString(),
            ["Error"] = a.Error is null ? null : Core.Model.FailureDetails.Cap(a.Error, 1024),
        };

    public static DeliveryAttempt ToAttempt(TableEntity e) => new()
    {
        SubscriptionId = Guid.Parse(e.PartitionKey),
        EventId = e.GetString("EventId") ?? string.Empty,
        EventType = e.GetString("EventType") ?? string.Empty,
        TaskId = Guid.TryParse(e.GetString("TaskId"), out var id) ? id : Guid.Empty,
        Attempt = e.GetInt32("Attempt") ?? 1,
        At = e.GetDateTimeOffset("At") ?? default,
        StatusCode = e.GetInt32("StatusCode"),
        LatencyMs = e.GetInt64("LatencyMs") ?? 0,
        Outcome = Enum.TryParse<DeliveryOutcome>(e.GetString("Outcome"), out var outcome) ? outcome : DeliveryOutcome.Failed,
        Error = e.GetString("Error"),
    };

    public static ETag IfMatch(string? etag) => etag is null ? throw new InvalidOperationException("A replace needs the row's ETag.") : new ETag(etag);
}
