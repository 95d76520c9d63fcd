using System.Text.Json;

namespace FuncTasks.Api.Flatfile;

public sealed record FlatfileJobPlan(
    IReadOnlyList<FlatfilePlanStep> Steps,
    IReadOnlyList<JsonElement> FieldMapping,
    IReadOnlyList<JsonElement> UnmappedSourceFields,
    IReadOnlyList<JsonElement> UnmappedDestinationFields);
