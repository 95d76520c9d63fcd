using System.Text.Json;
using FuncTasks.Api.OpenApi;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace FuncTasks.Api.Cognaize;

/// <summary>
/// The Cognaize dialect answers everything in one envelope, <c>{message, timestamp, data, version}</c>, whose
/// <c>data</c> depends on the operation and the status. The routes declare the envelope (<see cref="CognaizeEnvelope"/>,
/// <c>data</c> of any type); here each response gets an envelope whose <c>data</c> is what that answer carries.
/// </summary>
internal sealed class CognaizeEnvelopes
{
    /// <summary>The data of each operation's 200.</summary>
    private static readonly Dictionary<string, Type> Success = new(StringComparer.Ordinal)
    {
        ["StartProcess"] = typeof(ProcessStartedData),
        ["RestartFailedStep"] = typeof(ProcessStepData),
        ["CompleteProcessStep"] = typeof(ProcessStepData),
        ["GetProcess"] = typeof(ProcessView),
        ["CreateWorkflow"] = typeof(WorkflowView),
        ["GetWorkflow"] = typeof(WorkflowView),
    };

    private readonly OpenApiDocument _document;
    private readonly OpenApiDocumentTransformerContext _context;
    private readonly WireSchemas _wire;
    private readonly JsonSerializerOptions _host;
    private readonly IDictionary<string, IOpenApiSchema> _schemas;

    private CognaizeEnvelopes(OpenApiDocument document, OpenApiDocumentTransformerContext context, WireSchemas wire)
    {
        _document = document;
        _context = context;
        _wire = wire;
        _host = context.ApplicationServices.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions
            ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        document.Components ??= new OpenApiComponents();
        _schemas = document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
    }

    public static async Task ApplyAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, WireSchemas wire, CancellationToken cancellationToken)
    {
        var envelopes = new CognaizeEnvelopes(document, context, wire);
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var (code, response) in operation.Responses ?? [])
            {
                if (response.Content?.TryGetValue("application/json", out var media) != true
                    || media!.Schema is not OpenApiSchemaReference { Reference.Id: nameof(CognaizeEnvelope) })
                {
                    continue;
                }

                // 409 and 412 name the precondition that failed; the other refusals carry a sentence, 500 and 503 the reference of the log entry.
                var data = code switch
                {
                    "200" => Success.GetValueOrDefault(operation.OperationId ?? string.Empty),
                    "409" or "412" => typeof(PreconditionFailure),
                    _ => typeof(string),
                };
                if (data is not null)
                {
                    media.Schema = await envelopes.EnvelopeAsync(data, cancellationToken);
                }
            }
        }

        var referenced = (document.Paths ?? []).Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(SchemaExamples.Bodies)
            .Any(m => m.Schema is OpenApiSchemaReference { Reference.Id: nameof(CognaizeEnvelope) });
        if (!referenced)
        {
            envelopes._schemas.Remove(nameof(CognaizeEnvelope));
        }
    }

    private async Task<IOpenApiSchema> EnvelopeAsync(Type data, CancellationToken cancellationToken)
    {
        var id = $"{nameof(CognaizeEnvelope)}Of{(data == typeof(string) ? "String" : data.Name)}";
        if (!_schemas.ContainsKey(id))
        {
            var dataSchema = data == typeof(string)
                ? new OpenApiSchema { Type = JsonSchemaType.String }
                : await ComponentAsync(data, cancellationToken);
            _document.AddComponent(id, new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string>(["message", "timestamp", "data", "version"]),
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What happened, e.g. `OK`, `Process started`, `Precondition failed`." },
                    ["timestamp"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "When the answer was written (ISO-8601 UTC)." },
                    ["data"] = dataSchema,
                    ["version"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The service version." },
                },
            });
        }

        return new OpenApiSchemaReference(id, _document);
    }

    /// <summary>
    /// A reference to the component of a contract type, made if the document has none yet. The generator gives a
    /// transformer its schema with every nested type inline; those become references too, so each type has one schema.
    /// </summary>
    private async Task<IOpenApiSchema> ComponentAsync(Type type, CancellationToken cancellationToken)
    {
        var id = type.Name;
        if (!_schemas.ContainsKey(id))
        {
            var schema = await _context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            _document.AddComponent(id, schema);
            _wire.Remember(id, type);
            foreach (var property in _host.GetTypeInfo(type).Properties)
            {
                if (schema.Properties is { } properties && properties.TryGetValue(property.Name, out var propertySchema))
                {
                    properties[property.Name] = await NestedAsync(propertySchema, property.PropertyType, cancellationToken);
                }
            }
        }

        return new OpenApiSchemaReference(id, _document);
    }

    private async Task<IOpenApiSchema> NestedAsync(IOpenApiSchema schema, Type type, CancellationToken cancellationToken)
    {
        if (schema is not OpenApiSchema inline)
        {
            return schema;
        }

        if (IsContract(type))
        {
            var reference = await ComponentAsync(type, cancellationToken);
            return inline.Type is { } t && t.HasFlag(JsonSchemaType.Null)
                ? new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, reference] }
                : reference;
        }

        var generic = type.IsGenericType ? type.GetGenericArguments() : [];
        if (inline.AdditionalProperties is { } values && generic.Length == 2)
        {
            inline.AdditionalProperties = await NestedAsync(values, generic[1], cancellationToken);
        }
        else if (inline.Items is { } items && generic.Length == 1)
        {
            inline.Items = await NestedAsync(items, generic[0], cancellationToken);
        }

        return inline;
    }

    private static bool IsContract(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("FuncTasks.Api.", StringComparison.Ordinal) == true;
}
