using System.Text.Json;

namespace FuncTasks.Api.Flatfile;

/// <summary>The Flatfile Job (see the seed retry-failed-job.txt and @flatfile/api's Job); absent values are omitted.</summary>
public sealed record FlatfileJob(
    string Id,
    string CreatedBy,
    string CreatedAt,
    string UpdatedAt,
    string? StartedAt,
    string? FinishedAt,
    string? OutcomeAcknowledgedAt,
    string? SpaceId,
    string Type,
    string Operation,
    string Source,
    string? Destination,
    JsonElement? Config,
    string Trigger,
    string Status,
    int Progress,
    string? FileId,
    string? Mode,
    JsonElement? Input,
    JsonElement? Subject,
    JsonElement? Outcome,
    string? Info,
    bool? Managed,
    string? EnvironmentId,
    int? Part,
    JsonElement? PartData,
    string? PartExecution,
    string? ParentId,
    IReadOnlyList<string>? PredecessorIds,
    JsonElement? Metadata,
    string? EstimatedCompletionAt);
