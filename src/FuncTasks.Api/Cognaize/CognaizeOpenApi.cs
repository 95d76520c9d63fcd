using System.Text.Json;
using System.Text.Json.Nodes;
using FuncTasks.Api.OpenApi;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using static FuncTasks.Api.OpenApi.SampleTask;

namespace FuncTasks.Api.Cognaize;

/// <summary>
/// The Cognaize dialect's part of the OpenAPI document: its tag, the examples of its operations, an envelope per
/// answer (<see cref="CognaizeEnvelopes"/>) and the parameters a workflow step may declare by type alone.
/// </summary>
internal sealed class CognaizeOpenApi : IDialectOpenApi
{
    public const string WorkflowParam = "WorkflowParam";

    public string Tag => CognaizeApi.Tag;

    public string TagDescription => "The Process API of the Cognaize workflow engine: stored workflows, processes started from them, failed steps restarted with corrected params. Every answer is an envelope `{message, timestamp, data, version}`.";

    public JsonSerializerOptions Json => Wire.CamelCase;

    public IReadOnlyCollection<Type> TypedParams { get; } = [typeof(ProcessParam)];

    public IReadOnlyCollection<string> IdempotentOperations { get; } = ["StartProcess"];

    public JsonNode? RequestExample(string operation) => operation switch
    {
        "RestartFailedStep" => Parse("""
            {"processStepId": "$step",
             "params": {"url": {"strValue": "http://127.0.0.1:8001/notify", "type": "STRING"},
                        "timeoutSeconds": {"longValue": 60, "type": "LONG"}}}
            """),
        "CompleteProcessStep" => Parse("""
            {"processStepId": "$step", "params": {"approvedBy": {"strValue": "ops@example.com", "type": "STRING"}}}
            """),
        "StartProcess" => Parse("""
            {"workflowId": "0b9c6a5e-2f4d-4e8a-9c1b-7d3e5f6a8b90", "params": {"url": {"strValue": "http://127.0.0.1:8000/notify", "type": "STRING"}}}
            """),
        "CreateWorkflow" => Parse("""
            {"name": "deploy-site", "type": "SITE_DEPLOY", "description": "Warm up, then notify the site",
             "steps": [
               {"name": "warm-up", "action": "delay", "params": {"seconds": {"doubleValue": 0.5, "type": "DOUBLE"}}},
               {"name": "notify", "action": "http", "params": {"url": {"type": "STRING"}}}]}
            """),
        _ => null,
    };

    public async Task<JsonNode?> ResponseExampleAsync(string operation, int status) => (operation, status) switch
    {
        ("GetProcess", 200) => await Envelope("OK", CognaizeDialect.ToView(Failed, Events)),
        ("RestartFailedStep", 200) => await Envelope("Failed process step restarted", new ProcessStepData(
            TaskId.ToString(), FailedStepId.ToString(), CognaizeDialect.Params(RestartedParams))),
        ("CompleteProcessStep", 200) => await Envelope("Process step completed", new ProcessStepData(
            TaskId.ToString(), FailedStepId.ToString(), CognaizeDialect.Params(Failed.Steps[1].Params))),
        ("StartProcess", 200) => await Envelope("Process started", new ProcessStartedData(
            TaskId.ToString(), TaskIds.StepId(TaskId, 0).ToString(), WorkflowId, "STARTED", CognaizeDialect.Params(Failed.Steps[0].Params))),
        ("CreateWorkflow", 200) => await Envelope("Workflow created", Workflow),
        ("GetWorkflow", 200) => await Envelope("OK", Workflow),
        _ => null,
    };

    public IEnumerable<FuncTasksException> ErrorOutcomes(string operation)
    {
        var step = FailedStepId.ToString();
        switch (operation)
        {
            case "RestartFailedStep":
                yield return new TaskConflictException(ConflictKind.RestartNotAllowed, "The step is Completed.")
                {
                    TaskState = TaskState.Failed, StepState = StepState.Completed, StepName = step,
                };
                break;
            case "CompleteProcessStep":
                yield return new TaskConflictException(ConflictKind.CompleteNotAllowed, "The step is Failed.")
                {
                    // No action: the committed example never named it (the engine always does; see docs/openapi.json).
                    TaskState = TaskState.Failed, StepState = StepState.Failed, StepName = step,
                };
                break;
            case "GetProcess":
                yield return new TaskNotFoundException(NotFoundKind.Task, TaskId.ToString());
                break;
            case "GetWorkflow":
                yield return new TaskNotFoundException(NotFoundKind.Definition, WorkflowId);
                break;
            case "CreateWorkflow":
                yield return new InvalidRequestException("steps", "'steps' is required: at least one step {name, action, params}.");
                break;
        }
    }

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, WireSchemas wire, CancellationToken cancellationToken)
    {
        await CognaizeEnvelopes.ApplyAsync(document, context, wire, cancellationToken);
        DeclareWorkflowParam(document);
    }

    /// <summary>A workflow's step may declare a parameter by its type alone: an input the start request gives.</summary>
    private static void DeclareWorkflowParam(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is not null && schemas.ContainsKey(nameof(ProcessParam)) && schemas.TryGetValue(nameof(WorkflowStepView), out var step) && step is OpenApiSchema workflowStep
            && workflowStep.Properties is { } stepProperties && stepProperties.TryGetValue("params", out var stepParams) && stepParams is OpenApiSchema workflowParams)
        {
            schemas[WorkflowParam] = new OpenApiSchema
            {
                Description = "A parameter of a workflow step: a typed value, or only a type (an input that the start request must give).",
                OneOf =
                [
                    new OpenApiSchemaReference(nameof(ProcessParam), document),
                    new OpenApiSchema
                    {
                        Title = "input",
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "type" },
                        Properties = new Dictionary<string, IOpenApiSchema> { ["type"] = WireSchemas.TypeEnum("STRING", "LONG", "DOUBLE") },
                        AdditionalPropertiesAllowed = false,
                    },
                ],
            };
            workflowParams.AdditionalProperties = new OpenApiSchemaReference(WorkflowParam, document);
        }
    }

    public const string WorkflowId = "0b9c6a5e-2f4d-4e8a-9c1b-7d3e5f6a8b90";

    private static Dictionary<string, ParamValue> RestartedParams => new(Failed.Steps[1].Params)
    {
        ["url"] = ParamValue.Of("http://127.0.0.1:8001/notify"),
        ["timeoutSeconds"] = ParamValue.Of(60L),
    };

    private static WorkflowView Workflow => new(WorkflowId, "deploy-site", "SITE_DEPLOY", "Warm up, then notify the site", Wire.Time(ExampleHttp.Now.AddDays(-1))!,
    [
        new WorkflowStepView("warm-up", "delay", null, CognaizeDialect.Params(Failed.Steps[0].Params)),
        new WorkflowStepView("notify", "http", null, new Dictionary<string, ProcessParam> { ["url"] = new(null, null, null, "STRING") }),
    ]);

    private static readonly Guid[] SampleIds = [Guid.Parse(WorkflowId)];

    private static async Task<JsonNode?> Envelope(string message, object data) =>
        (await ExampleHttp.RunAsync(CognaizeDialect.Ok(ExampleHttp.NewContext(), message, data), SampleIds)).Body;
}
