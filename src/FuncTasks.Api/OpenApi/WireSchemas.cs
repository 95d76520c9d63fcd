using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FuncTasks.Api.WireFormat;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// Makes the generated component schemas say what the dialects put on the wire. The generator reads the contracts
/// with the host's JSON options (camelCase, every constructor parameter required); each dialect writes them with its
/// own (<see cref="IDialectOpenApi.Json"/>): snake_case with nulls written, or camelCase with null properties left out. So, per
/// contract type: the wire's property names; a property the dialect omits when null is optional and never null; a
/// non-nullable one is required and never null. Typed parameters become a <c>oneOf</c> on their <c>type</c>, numbers
/// are numbers (not numeric strings) and every array names its items.
/// </summary>
internal sealed class WireSchemas
{
    private readonly ConcurrentDictionary<string, Type> _types = new(StringComparer.Ordinal);

    /// <summary>The generator's own component id, remembering which type it names (<see cref="OpenApiOptions.CreateSchemaReferenceId"/>).</summary>
    public string? ReferenceId(JsonTypeInfo info)
    {
        var id = OpenApiOptions.CreateDefaultSchemaReferenceId(info);
        if (id is not null)
        {
            _types[id] = info.Type;
        }

        return id;
    }

    public void Remember(string id, Type type) => _types[id] = type;

    public void Apply(OpenApiDocument document, IServiceProvider services, IReadOnlyList<IDialectOpenApi> dialects)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null)
        {
            return;
        }

        var host = services.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions
            ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        foreach (var (id, schema) in schemas.ToList())
        {
            if (!_types.TryGetValue(id, out var type) || schema is not OpenApiSchema component)
            {
                continue;
            }

            if (dialects.Any(d => d.TypedParams.Contains(type)))
            {
                schemas[id] = TypedParam();
            }
            else if (WireOptions(type, dialects) is { } wire && component.Properties is { Count: > 0 })
            {
                FitProperties(component, host.GetTypeInfo(type), wire.GetTypeInfo(type));
            }
        }

        foreach (var schema in AllSchemas(document))
        {
            Tighten(schema);
        }
    }

    /// <summary>
    /// The options a contract type is written with: its dialect's, or camelCase for the shared contracts of
    /// <see cref="WireFormat"/> (used by the camelCase dialects); null for types that are no contract.
    /// </summary>
    private static JsonSerializerOptions? WireOptions(Type type, IReadOnlyList<IDialectOpenApi> dialects) =>
        type.Namespace == typeof(Wire).Namespace ? Wire.CamelCase : dialects.For(type)?.Json;

    private static void FitProperties(OpenApiSchema schema, JsonTypeInfo host, JsonTypeInfo wire)
    {
        var properties = schema.Properties!;
        var required = new HashSet<string>(StringComparer.Ordinal);
        var nullability = new NullabilityInfoContext();
        foreach (var property in wire.Properties)
        {
            var member = property.AttributeProvider as MemberInfo;
            var generated = host.Properties.FirstOrDefault(p => (p.AttributeProvider as MemberInfo)?.Name == member?.Name)?.Name ?? property.Name;
            if (!properties.TryGetValue(generated, out var propertySchema))
            {
                continue;
            }

            properties.Remove(generated);
            var canBeNull = CanBeNull(property, member, nullability);
            var omittedWhenNull = wire.Options.DefaultIgnoreCondition == JsonIgnoreCondition.WhenWritingNull
                || member?.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition == JsonIgnoreCondition.WhenWritingNull;
            if (!canBeNull || omittedWhenNull)
            {
                propertySchema = WithoutNull(propertySchema);
            }

            if (!canBeNull || !omittedWhenNull)
            {
                required.Add(property.Name);
            }

            // A map whose values may be null (an audit event's parameter that was removed) says so.
            if (member is PropertyInfo map && nullability.Create(map).GenericTypeArguments is [_, { ReadState: NullabilityState.Nullable }]
                && propertySchema is OpenApiSchema { AdditionalProperties: OpenApiSchemaReference values } mapSchema)
            {
                mapSchema.AdditionalProperties = new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, values] };
            }

            properties[property.Name] = propertySchema;
        }

        schema.Required = required;
    }

    private static bool CanBeNull(JsonPropertyInfo property, MemberInfo? member, NullabilityInfoContext nullability)
    {
        if (property.PropertyType.IsValueType)
        {
            return Nullable.GetUnderlyingType(property.PropertyType) is not null;
        }

        // A generic contract's T (a body {data: T}) holds what the dialect put there: never null.
        if (member is PropertyInfo info && info.DeclaringType?.IsGenericType == true
            && info.DeclaringType.GetGenericTypeDefinition().GetProperty(info.Name)?.PropertyType.IsGenericParameter == true)
        {
            return false;
        }

        return member switch
        {
            PropertyInfo p => nullability.Create(p).ReadState != NullabilityState.NotNull,
            FieldInfo f => nullability.Create(f).ReadState != NullabilityState.NotNull,
            _ => true,
        };
    }

    /// <summary>The schema without its <c>null</c> alternative (<c>type: [null, X]</c> or <c>oneOf: [{type: null}, X]</c>).</summary>
    private static IOpenApiSchema WithoutNull(IOpenApiSchema schema)
    {
        if (schema is not OpenApiSchema s)
        {
            return schema;
        }

        if (s.Type is { } type && type.HasFlag(JsonSchemaType.Null) && type != JsonSchemaType.Null)
        {
            s.Type = type & ~JsonSchemaType.Null;
        }

        if (s.OneOf is { Count: 2 } alternatives && alternatives.Count(a => a.Type == JsonSchemaType.Null && a is OpenApiSchema) == 1
            && s.Properties is not { Count: > 0 } && s.Type is null)
        {
            return alternatives.Single(a => !(a.Type == JsonSchemaType.Null && a is OpenApiSchema));
        }

        return s;
    }

    /// <summary><c>{strValue | longValue | doubleValue, type: STRING | LONG | DOUBLE}</c>: exactly one value, of the type named.</summary>
    private static OpenApiSchema TypedParam() => new()
    {
        Description = "A typed parameter: one value and the type that names it.",
        OneOf =
        [
            Variant("STRING", "strValue", new OpenApiSchema { Type = JsonSchemaType.String }),
            Variant("LONG", "longValue", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }),
            Variant("DOUBLE", "doubleValue", new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" }),
        ],
    };

    private static OpenApiSchema Variant(string type, string property, OpenApiSchema value) => new()
    {
        Title = type,
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { property, "type" },
        Properties = new Dictionary<string, IOpenApiSchema> { [property] = value, ["type"] = TypeEnum(type) },
    };

    public static OpenApiSchema TypeEnum(params string[] values) =>
        new() { Type = JsonSchemaType.String, Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList() };

    /// <summary>
    /// Numbers are written as JSON numbers (the generator also allows numeric strings, which the host's options
    /// would read, but no dialect reads or writes), and an array without <c>items</c> holds any JSON value.
    /// </summary>
    private static void Tighten(OpenApiSchema schema)
    {
        if (schema.Type is { } type && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)) && type.HasFlag(JsonSchemaType.String))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (schema.Type is { } array && array.HasFlag(JsonSchemaType.Array) && schema.Items is null)
        {
            schema.Items = new OpenApiSchema { Description = "Any JSON value." };
        }
    }

    /// <summary>Every schema object of the document, nested ones included (references are not followed).</summary>
    private static IEnumerable<OpenApiSchema> AllSchemas(OpenApiDocument document)
    {
        var roots = new List<IOpenApiSchema>();
        roots.AddRange(document.Components?.Schemas?.Values ?? []);
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            roots.AddRange((operation.Parameters ?? []).Select(p => p.Schema).OfType<IOpenApiSchema>());
            roots.AddRange(SchemaExamples.Bodies(operation).Select(m => m.Schema).OfType<IOpenApiSchema>());
        }

        var seen = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<IOpenApiSchema>(roots);
        while (pending.TryPop(out var next))
        {
            if (next is not OpenApiSchema schema || !seen.Add(schema))
            {
                continue;
            }

            yield return schema;
            foreach (var child in Children(schema))
            {
                pending.Push(child);
            }
        }
    }

    private static IEnumerable<IOpenApiSchema> Children(OpenApiSchema schema) =>
        (schema.Properties?.Values ?? [])
            .Concat(schema.AllOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? [])
            .Concat(new[] { schema.Items, schema.AdditionalProperties, schema.Not }.OfType<IOpenApiSchema>());
}
