using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// The last resort for a body that has no sample yet (a dialect's new endpoint): an example built from its
/// schema, so every documented body shows one. Recursive schemas stop after a few levels.
/// </summary>
internal static class SchemaExamples
{
    private const int MaxDepth = 6;

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

        // A nullable reference (oneOf [null, X]) shows X, until the depth limit (recursive schemas: an error's cause).
        var alternatives = (schema.OneOf ?? schema.AnyOf ?? []).ToList();
        if (alternatives.Count > 0)
        {
            var value = alternatives.FirstOrDefault(a => a.Type != JsonSchemaType.Null);
            return value is null || (depth >= MaxDepth && alternatives.Any(a => a.Type == JsonSchemaType.Null))
                ? null
                : Build(document, value, name, depth);
        }

        var type = schema.Type ?? (schema.Properties is { Count: > 0 } ? JsonSchemaType.Object : JsonSchemaType.String);
        if (type.HasFlag(JsonSchemaType.Null) && depth >= MaxDepth)
        {
            return null;
        }

        if (type.HasFlag(JsonSchemaType.Object))
        {
            // Past the depth limit only what is required (the limit stops recursion through optional properties).
            var obj = new JsonObject();
            foreach (var (property, propertySchema) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                if (depth < MaxDepth || schema.Required?.Contains(property) == true)
                {
                    obj[property] = Build(document, propertySchema, property, depth + 1);
                }
            }

            if (obj.Count == 0 && depth < MaxDepth && schema.AdditionalProperties is { } additional)
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
            "uuid" => SampleTask.TaskId.ToString(),
            _ => StringFor(name),
        });
    }

    private static string StringFor(string? name) => name?.ToLowerInvariant() switch
    {
        null => "string",
        var n when n.EndsWith("id", StringComparison.Ordinal) => SampleTask.TaskId.ToString(),
        var n when n.Contains("time", StringComparison.Ordinal) || n.EndsWith("at", StringComparison.Ordinal) => "2026-11-22T09:30:00.000Z",
        var n when n.Contains("status", StringComparison.Ordinal) => "FAILED",
        var n when n == "type" => "STRING",
        var n when n.Contains("message", StringComparison.Ordinal) => "Step 'notify' (http) failed",
        _ => name,
    };
}
