using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// Sets an example on each request and response body of an operation. Error bodies are written by the
/// operation's own dialect (see <see cref="DialectExamples"/>), so they are what a client really receives;
/// success bodies come from the dialect's <see cref="IDialectOpenApi"/>. Anything left without an example gets one
/// built from its schema by <see cref="SchemaExamples"/>.
/// </summary>
internal sealed class OperationExamples : IOpenApiOperationTransformer
{
    private const string Json = "application/json";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var dialects = DialectOpenApis.All(context.ApplicationServices);
        var name = operation.OperationId ?? string.Empty;
        if (operation.RequestBody?.Content is { } requestContent && requestContent.TryGetValue(Json, out var request)
            && request.Example is null && dialects.Select(d => d.RequestExample(name)).FirstOrDefault(e => e is not null) is { } requestExample)
        {
            request.Example = requestExample;
        }

        if (dialects.Any(d => d.IdempotentOperations.Contains(name)))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Pipeline.IdempotencyKey.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes the create safe to retry: the same key and body within 24 h returns the first result (same id, "
                    + "header Idempotent-Replayed: true) and creates nothing; the same key with another body is refused with 409. "
                    + "Keys are 1-255 printable ASCII characters, scoped to the API key.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
            });
        }

        if (operation.Responses is null)
        {
            return;
        }

        foreach (var (code, response) in operation.Responses)
        {
            if (response.Content is null || !response.Content.TryGetValue(Json, out var media) || media.Example is not null
                || !int.TryParse(code, out var status))
            {
                continue;
            }

            var type = context.Description.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode == status)?.Type;
            media.Example = status >= 400
                ? await DialectExamples.ErrorAsync(dialects, type, name, status)
                : await ResponseAsync(dialects, name, status);
        }
    }

    private static async Task<JsonNode?> ResponseAsync(IEnumerable<IDialectOpenApi> dialects, string operation, int status)
    {
        foreach (var dialect in dialects)
        {
            if (await dialect.ResponseExampleAsync(operation, status) is { } example)
            {
                return example;
            }
        }

        return null;
    }
}
