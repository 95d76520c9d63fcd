using System.Text.Json;
using System.Text.Json.Nodes;
using FuncTasks.Api.OpenApi;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using static FuncTasks.Api.OpenApi.SampleTask;

namespace FuncTasks.Api.Vcf;

/// <summary>The VCF dialect's part of the OpenAPI document: its tag and the examples of its operations.</summary>
internal sealed class VcfOpenApi : IDialectOpenApi
{
    public string Tag => VcfApi.Tag;

    public string TagDescription => "The Tasks API of VMware Cloud Foundation SDDC Manager: a task of ordered steps (its subtasks), retried with PATCH and cancelled with DELETE. Errors are VCF Error objects.";

    public JsonSerializerOptions Json => Wire.CamelCase;

    public IReadOnlyCollection<Type> TypedParams { get; } = [typeof(ParamContract)];

    public IReadOnlyCollection<string> IdempotentOperations { get; } = ["CreateTask"];

    public JsonNode? RequestExample(string operation) => operation switch
    {
        "CreateTask" => Parse("""
            {"name": "deploy-site", "type": "SITE_DEPLOY", "description": "Warm up, then notify the site",
             "steps": [
               {"name": "warm-up", "action": "delay", "params": {"seconds": {"doubleValue": 0.5, "type": "DOUBLE"}}},
               {"name": "notify", "action": "http", "params": {
                  "url": {"strValue": "http://127.0.0.1:8000/notify", "type": "STRING"},
                  "method": {"strValue": "POST", "type": "STRING"},
                  "timeoutSeconds": {"longValue": 30, "type": "LONG"}}}]}
            """),
        _ => null,
    };

    public Task<JsonNode?> ResponseExampleAsync(string operation, int status) => Task.FromResult((operation, status) switch
    {
        ("CreateTask", 202) => Camel(VcfDialect.ToTask(Running.Task with { Status = TaskState.InProgress, Progress = 0 },
            [Running.Steps[0] with { Status = StepState.Started, CompletedAt = null }, Running.Steps[1] with { Status = StepState.Pending, StartedAt = null }])),
        ("GetTask", 200) => Camel(VcfDialect.ToTask(Failed.Task, Failed.Steps)),
        ("GetTasks", 200) => Camel(new VcfPageOfTask([VcfDialect.ToTask(Failed.Task, null)], new VcfPageMetadata(1, 20, 1, 1))),
        ("GetTaskEvents", 200) => Camel(VcfEvents.ToEvents(TaskId, Events)),
        _ => null,
    });

    public IEnumerable<FuncTasksException> ErrorOutcomes(string operation) => operation switch
    {
        "CancelTask" => [new TaskConflictException(ConflictKind.CancelNotAllowed, VcfDialect.NotCancellableMessage) { TaskState = TaskState.Succeeded }],
        "GetTasks" => [new InvalidRequestException("pageSize", "pageSize must be between 1 and 100.")],
        _ => [],
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, WireSchemas wire, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    private static JsonNode? Camel(object body) => ExampleHttp.Write(body, Wire.CamelCase);
}
