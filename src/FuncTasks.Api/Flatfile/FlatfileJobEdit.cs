using System.Text.Json;
using FuncTasks.Core.Commands.Agents;

namespace FuncTasks.Api.Flatfile;

/// <summary>Fields of a job that may change until it finishes (null leaves a field as it is).</summary>
public sealed record FlatfileJobEdit
{
    public JsonElement? Config { get; init; }
    public JsonElement? Input { get; init; }
    public JsonElement? Metadata { get; init; }
    public JsonElement? Subject { get; init; }
    public JsonElement? PartData { get; init; }
    public string? Destination { get; init; }
    public string? Mode { get; init; }
    public string? Info { get; init; }
    public int? Progress { get; init; }
    public DateTimeOffset? EstimatedCompletionAt { get; init; }

    /// <summary>The edit as the engine takes it: the Flatfile fields given, by their JSON names.</summary>
    public AgentTaskEdit ToAgentTaskEdit()
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        Set(fields, "config", Config);
        Set(fields, "input", Input);
        Set(fields, "metadata", Metadata);
        Set(fields, "subject", Subject);
        Set(fields, "destination", Destination is null ? null : JsonSerializer.SerializeToElement(Destination));
        Set(fields, "mode", Mode is null ? null : JsonSerializer.SerializeToElement(Mode));
        return new AgentTaskEdit(fields)
        {
            PartData = PartData,
            Info = Info,
            Progress = Progress,
            EstimatedCompletionAt = EstimatedCompletionAt,
        };
    }

    private static void Set(Dictionary<string, JsonElement> fields, string name, JsonElement? value)
    {
        if (value is { } v)
        {
            fields[name] = v;
        }
    }
}
