using System.Text.Json.Serialization;

namespace FuncTasks.Api.Flatfile;

/// <param name="Index">Position in the plan, from 0 (what PATCH /plan takes).</param>
public sealed record FlatfilePlanStep(
    string Id,
    int Index,
    string Name,
    string Action,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, JobParam> Params,
    string Status,
    int Attempts,
    string? StartedAt,
    string? FinishedAt,
    JobStepError? Error,
    string? Output);
