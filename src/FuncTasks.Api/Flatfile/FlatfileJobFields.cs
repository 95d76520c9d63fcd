using System.Text.Json;
using FuncTasks.Core.Commands.Agents;

namespace FuncTasks.Api.Flatfile;

/// <summary>
/// The Flatfile fields of a job, which the engine keeps with it untouched (<see cref="AgentTaskData.Fields"/>): stored in
/// the same JSON object as the engine's fields, as they always were.
/// </summary>
public sealed record FlatfileJobFields
{
    public const string ManualTrigger = "manual";
    public const string ImmediateTrigger = "immediate";

    public required string Source { get; init; }
    public string? Destination { get; init; }
    public string Trigger { get; init; } = ManualTrigger;
    public string? Mode { get; init; }
    public string? FileId { get; init; }
    public string? EnvironmentId { get; init; }
    public string? SpaceId { get; init; }
    public string? CreatedBy { get; init; }
    public bool? Managed { get; init; }
    public JsonElement? Config { get; init; }
    public JsonElement? Input { get; init; }
    public JsonElement? Subject { get; init; }
    public JsonElement? Metadata { get; init; }

    public static FlatfileJobFields Of(AgentTaskData data) => data.Fields is { } fields
        ? JsonSerializer.Deserialize<FlatfileJobFields>(JsonSerializer.SerializeToElement(fields, AgentTaskData.Json), AgentTaskData.Json) ?? Empty
        : Empty;

    /// <summary>As the engine keeps them: camelCase names, nulls left out.</summary>
    public Dictionary<string, JsonElement> ToFields() => Fields(JsonSerializer.SerializeToElement(this, AgentTaskData.Json));

    /// <summary>The properties of a JSON object, by name.</summary>
    public static Dictionary<string, JsonElement> Fields(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    private static FlatfileJobFields Empty => new() { Source = string.Empty };
}
