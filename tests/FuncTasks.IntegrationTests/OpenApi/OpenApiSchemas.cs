using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace FuncTasks.IntegrationTests.OpenApi;

/// <summary>
/// Validates JSON against the schemas of an OpenAPI 3.1 document with a JSON Schema 2020-12 validator (JsonSchema.Net):
/// each schema is evaluated with the document's components beside it, so its <c>#/components/schemas/...</c> references resolve.
/// </summary>
public sealed class OpenApiSchemas
{
    private const string Components = "#/components/schemas/";
    private readonly JsonObject _document;
    private readonly JsonObject _definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> _built = new(StringComparer.Ordinal);

    public OpenApiSchemas(JsonObject document)
    {
        _document = document;
        _definitions = Rewrite(document["components"]?["schemas"] ?? new JsonObject())!.AsObject();
    }

    public JsonObject Document => _document;

    /// <summary>The response a document declares for a method, path template and status: null when it declares none.</summary>
    public JsonObject? Response(string method, string template, int status) =>
        _document["paths"]?[template]?[method.ToLowerInvariant()]?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] as JsonObject;

    /// <summary>What is wrong with <paramref name="instance"/> under <paramref name="schema"/> (a schema object of the document); empty when valid.</summary>
    public IReadOnlyList<string> Errors(JsonNode schema, JsonNode? instance)
    {
        var text = schema.ToJsonString();
        var built = _built.GetOrAdd(text, _ => Build(schema));
        using var json = JsonDocument.Parse(instance?.ToJsonString() ?? "null");
        var results = built.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no detail)"];
    }

    private JsonSchema Build(JsonNode schema)
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            // Built schemas are registered by $id: one of their own (no network is involved).
            ["$id"] = $"https://functasks.invalid/openapi/{Guid.NewGuid():N}",
            ["$defs"] = _definitions.DeepClone(),
            ["allOf"] = new JsonArray(Rewrite(schema)),
        };
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions());
    }

    /// <summary>A copy with the document's component references pointing at <c>$defs</c>.</summary>
    private static JsonNode? Rewrite(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key,
            p.Key == "$ref" && (string?)p.Value is { } target && target.StartsWith(Components, StringComparison.Ordinal)
                ? JsonValue.Create("#/$defs/" + target[Components.Length..])
                : Rewrite(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Rewrite).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
