using System.Text.Json.Serialization;

namespace FuncTasks.Api.Vcf;

public sealed record VcfCreateStep(
    string Name,
    string Action,
    string? Description,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, ParamContract>? Params);
