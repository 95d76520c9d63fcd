using System.Text.Json;
using System.Text.Json.Nodes;
using FuncTasks.Api.OpenApi;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FuncTasks.Api.Subscriptions;

/// <summary>The subscriptions API's part of the OpenAPI document: its tag and the error it most typically meets.</summary>
internal sealed class SubscriptionsOpenApi : IDialectOpenApi
{
    public string Tag => SubscriptionsApi.Tag;

    public string TagDescription => "Webhook subscriptions: a URL subscribed to task and step events, signed with a secret shown once; delivery figures and recent attempts. Errors are VCF Error objects.";

    public JsonSerializerOptions Json => Wire.CamelCase;

    public IReadOnlyCollection<Type> TypedParams { get; } = [];

    public IReadOnlyCollection<string> IdempotentOperations { get; } = [];

    public JsonNode? RequestExample(string operation) => null;

    public Task<JsonNode?> ResponseExampleAsync(string operation, int status) => Task.FromResult<JsonNode?>(null);

    public IEnumerable<FuncTasksException> ErrorOutcomes(string operation) => [];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, WireSchemas wire, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
