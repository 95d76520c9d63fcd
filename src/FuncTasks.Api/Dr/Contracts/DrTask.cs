using System.Text.Json.Serialization;

namespace FuncTasks.Api.Dr;

/// <summary>TaskDrResponseEntity of the VMware Live Site Recovery API, field for field as the seed (snake_case).</summary>
public sealed record DrTask(
    string Id,
    string Description,
    string Type,
    string Status,
    DrError? Error,
    int Progress,
    string? StartTime,
    string? CompleteTime,
    [property: JsonPropertyName("_meta")] DrMeta Meta);
