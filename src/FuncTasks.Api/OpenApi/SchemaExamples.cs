using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// The last resort for a body that has no sample yet (a dialect's new endpoint): an example built from its
/// schema, so every documented body shows one. Recursive schemas stop after a few levels.
/// </summary>
internal static class SchemaExamples
{
    private const int MaxDepth = 4;

    public static void FillMissing(OpenApiDocument document)
    {
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var media in Bodies(operation))
            {
                if (media.Example is null && media.Schema is not null)
                {
                    media.Example = Build(document, media.Schema, null, 0);
                }
            }
        }
    }

    public static IEnumerable<OpenApiMediaType> Bodies(OpenApiOperation operation)
    {
        foreach (var media in operation.RequestBody?.Content?.Values ?? [])
        {
            yield return media;
        }

        foreach (var response in (operation.Responses ?? []).Values)
        {
            foreach (var media in response.Content?.Values ?? [])
            {
                yield return media;
            }
        }
    }

    private static JsonNode? Build(OpenApiDocument document, IOpenApiSchema schema, string? name, int depth)
    {
        if (schema is OpenApiSchemaReference reference)
        {
            var id = reference.Reference.Id;
            if (id is null || document.Components?.Schemas?.TryGetValue(id, out var target) != true || target is null)
            {
                return null;
            }

            schema = target;
        }

        if (schema.Examples is { Count: > 0 } examples)
        {
            return examples[0]?.DeepClone();
        }

        if (schema.Enum is { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }

        var alternative = schema.OneOf?.FirstOrDefault() ?? schema.AnyOf?.FirstOrDefault(s => s.Type != JsonSchemaType.Null);
        if (alternative is not null)
        {
            return Build(document, alternative, name, depth);
        }

        var type = schema.Type ?? (schema.Properties is { Count: > 0 } ? JsonSchemaType.Object : JsonSchemaType.String);
        if (type.HasFlag(JsonSchemaType.Object))
        {
            var obj = new JsonObject();
            if (depth >= MaxDepth)
            {
                return obj;
            }

            foreach (var (property, propertySchema) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                obj[property] = Build(document, propertySchema, property, depth + 1);
            }

            if (obj.Count == 0 && schema.AdditionalProperties is { } additional)
            {
                obj["name"] = Build(document, additional, "name", depth + 1);
            }

            return obj;
        }

        if (type.HasFlag(JsonSchemaType.Array))
        {
            return depth >= MaxDepth || schema.Items is null ? new JsonArray() : new JsonArray(Build(document, schema.Items, name, depth + 1));
        }

        if (type.HasFlag(JsonSchemaType.Boolean))
        {
            return JsonValue.Create(false);
        }

        if (type.HasFlag(JsonSchemaType.Integer))
        {
            return JsonValue.Create(1);
        }

        if (type.HasFlag(JsonSchemaType.Number))
        {
            return JsonValue.Create(0.5);
        }

        return JsonValue.Create(schema.Format switch
        {
            "date-time" => "2026-11-22T09:30:00.000Z",
            "uuid" => SampleBodies.TaskId.ToString(),
            _ => StringFor(name),
        });
    }

    private static string StringFor(string? name) => name?.ToLowerInvariant() switch
    {
        null => "string",
        var n when n.EndsWith("id", StringComparison.Ordinal) => SampleBodies.TaskId.ToString(),
        var n when n.Contains("time", StringComparison.Ordinal) || n.EndsWith("at", StringComparison.Ordinal) => "2026-11-22T09:30:00.000Z",
        var n when n.Contains("status", StringComparison.Ordinal) => "FAILED",
        var n when n == "type" => "STRING",
        var n when n.Contains("message", StringComparison.Ordinal) => "Step 'notify' (http) failed",
        _ => name,
    };
}
