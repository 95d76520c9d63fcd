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
    string? Output)
{
    /// <summary>The step's retry policy (absent when it has none).</summary>
    public WireFormat.RetryContract? Retry { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>While the step waits to be tried again after a failure: when its next attempt is due.</summary>
    public string? NextAttemptAt { get; init; }
}
