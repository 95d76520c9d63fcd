using System.Text.Json.Serialization;

namespace FuncTasks.Api.Flatfile;

public sealed record PatchPlanStep(int? Index, string? Name, [property: JsonPropertyName("params")] IReadOnlyDictionary<string, JobParam> Params);
