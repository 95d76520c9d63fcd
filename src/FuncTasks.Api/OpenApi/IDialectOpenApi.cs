using System.Text.Json;
using System.Text.Json.Nodes;
using FuncTasks.Core;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// What one dialect adds to the OpenAPI document: its tag's description, how it writes its contracts, and the
/// examples of its operations. Each dialect's folder has one, registered by the dialect's <c>Add…</c> call; the
/// generic parts here (<see cref="FuncTasksOpenApi"/>, <see cref="OperationExamples"/>, <see cref="WireSchemas"/>)
/// ask every registered one and know no dialect by name. Contracts are matched to their dialect by namespace: a
/// dialect is one folder, its contracts and this class in its namespace.
/// </summary>
internal interface IDialectOpenApi
{
    /// <summary>The tag its endpoints carry (<c>WithTags</c>).</summary>
    string Tag { get; }

    string TagDescription { get; }

    /// <summary>The options it writes its contracts with.</summary>
    JsonSerializerOptions Json { get; }

    /// <summary>Its contract types that hold one typed parameter: <c>{strValue | longValue | doubleValue, type}</c>.</summary>
    IReadOnlyCollection<Type> TypedParams { get; }

    /// <summary>Its operations that take an <c>Idempotency-Key</c> header.</summary>
    IReadOnlyCollection<string> IdempotentOperations { get; }

    /// <summary>The example request body of one of its operations (by operation id), or null.</summary>
    JsonNode? RequestExample(string operation);

    /// <summary>The example success body of one of its operations, or null.</summary>
    Task<JsonNode?> ResponseExampleAsync(string operation, int status);

    /// <summary>
    /// Domain outcomes whose error body is tried first for an operation's error example, the one it most typically
    /// meets first (the generic outcomes are tried after these).
    /// </summary>
    IEnumerable<FuncTasksException> ErrorOutcomes(string operation);

    /// <summary>Its own changes to the generated document, made before the schemas are fitted to the wire.</summary>
    Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, WireSchemas wire, CancellationToken cancellationToken);
}
