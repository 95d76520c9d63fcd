using System.Text.Json;
using System.Text.Json.Nodes;
using FuncTasks.Api.OpenApi;
using FuncTasks.Core;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using static FuncTasks.Api.OpenApi.SampleTask;

namespace FuncTasks.Api.Dr;

/// <summary>The DR dialect's part of the OpenAPI document: its tag and the examples of its operations.</summary>
internal sealed class DrOpenApi : IDialectOpenApi
{
    public string Tag => DrApi.Tag;

    public string TagDescription => "The task info of VMware Live Site Recovery (read only, snake_case): status, progress, times and a failure as a serialised exception.";

    public JsonSerializerOptions Json => DrDialect.Json;

    public IReadOnlyCollection<Type> TypedParams { get; } = [];

    public IReadOnlyCollection<string> IdempotentOperations { get; } = [];

    public JsonNode? RequestExample(string operation) => null;

    public Task<JsonNode?> ResponseExampleAsync(string operation, int status) => Task.FromResult((operation, status) switch
    {
        ("GetTaskInfo", 200) => Write(DrDialect.ToTask(Failed.Task)),
        ("GetAllTasksInfo", 200) => Write(new DrTaskList([DrDialect.ToTask(Failed.Task), DrDialect.ToTask(Running.Task)], new DrListMeta([], 2, 0, 100))),
        _ => null,
    });

    public IEnumerable<FuncTasksException> ErrorOutcomes(string operation) => [];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, WireSchemas wire, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    private static JsonNode? Write(object body) => ExampleHttp.Write(body, DrDialect.Json);
}
