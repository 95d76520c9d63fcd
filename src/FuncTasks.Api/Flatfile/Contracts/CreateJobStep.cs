using System.Text.Json.Serialization;

namespace FuncTasks.Api.Flatfile;

public sealed record CreateJobStep(
    string Name, string Action, string? Description, [property: JsonPropertyName("params")] IReadOnlyDictionary<string, JobParam>? Params,
    WireFormat.RetryContract? Retry = null, int? TimeoutSeconds = null);
