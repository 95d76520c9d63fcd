using System.Text.Json.Serialization;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;

namespace FuncTasks.Api.Vcf;

public sealed record VcfCreateStep(
    string Name,
    string Action,
    string? Description,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, ParamContract>? Params,
    RetryContract? Retry = null,
    int? TimeoutSeconds = null);
