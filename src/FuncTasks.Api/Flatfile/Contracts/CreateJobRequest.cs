using System.Text.Json;

namespace FuncTasks.Api.Flatfile;

/// <summary>The body of <c>POST /v1/jobs</c> (documentation shape; the handler parses it by hand for precise errors).</summary>
public sealed record CreateJobRequest(
    string Type,
    string Operation,
    string Source,
    string? Destination,
    JsonElement? Config,
    string? Trigger,
    string? Mode,
    JsonElement? Input,
    JsonElement? Subject,
    JsonElement? Metadata,
    bool? Managed,
    string? EnvironmentId,
    string? SpaceId,
    string? FileId,
    string? Info,
    string? ParentId,
    IReadOnlyList<string>? PredecessorIds,
    int? Part,
    JsonElement? PartData,
    string? PartExecution,
    CreateJobPlan? Plan);
