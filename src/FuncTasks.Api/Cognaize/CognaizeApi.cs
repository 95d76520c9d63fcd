using System.Text.Json;
using FuncTasks.Api.OpenApi;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Definitions;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Api.Cognaize;

/// <summary>The Process API in the Cognaize workflow-engine dialect (<c>/api/v1/processes</c>, <c>/api/v1/workflows</c>).</summary>
public static class CognaizeApi
{
    private const int MaxEchoedLength = 100;

    public const string Tag = "Processes (Cognaize)";

    /// <summary>What the dialect adds to the services: its part of the OpenAPI document.</summary>
    public static IServiceCollection AddCognaize(this IServiceCollection services) => services.AddDialectOpenApi<CognaizeOpenApi>();

    public static IEndpointRouteBuilder MapCognaizeApi(this IEndpointRouteBuilder app)
    {
        var processes = app.MapGroup("/api/v1/processes").WithTags(Tag).ProducesLimits(typeof(CognaizeEnvelope));
        processes.MapPost("/start", (Func<HttpContext, Task<IResult>>)StartAsync)
            .WithName("StartProcess").WithSummary("Start a process from a stored workflow; start params fill or override step params by name")
            .Accepts<StartProcessRequest>("application/json")
            .Produces<CognaizeEnvelope>(200).Produces<CognaizeEnvelope>(401).Produces<CognaizeEnvelope>(409).Produces<CognaizeEnvelope>(412).Produces<CognaizeEnvelope>(500);
        processes.MapPost("/restart-failed-step", (Func<HttpContext, Task<IResult>>)RestartFailedStepAsync)
            .WithName("RestartFailedStep").WithSummary("Restart a FAILED step with corrected params; the process carries on from there")
            .Accepts<ProcessStepRequest>("application/json")
            .Produces<CognaizeEnvelope>(200).Produces<CognaizeEnvelope>(401).Produces<CognaizeEnvelope>(412).Produces<CognaizeEnvelope>(500);
        processes.MapPost("/complete-step", (Func<HttpContext, Task<IResult>>)CompleteStepAsync)
            .WithName("CompleteProcessStep").WithSummary("Complete a STARTED external step; the process continues")
            .Accepts<ProcessStepRequest>("application/json")
            .Produces<CognaizeEnvelope>(200).Produces<CognaizeEnvelope>(401).Produces<CognaizeEnvelope>(412).Produces<CognaizeEnvelope>(500);
        processes.MapGet("/{processId}", (HttpContext http, string processId) => GetAsync(http, processId))
            .WithName("GetProcess").WithSummary("A process with every step, its params in force and its attempts")
            .Produces<CognaizeEnvelope>(200).Produces<CognaizeEnvelope>(401).Produces<CognaizeEnvelope>(412).Produces<CognaizeEnvelope>(500);

        var workflows = app.MapGroup("/api/v1/workflows").WithTags(Tag).ProducesLimits(typeof(CognaizeEnvelope));
        workflows.MapPost("", (Func<HttpContext, Task<IResult>>)CreateWorkflowAsync)
            .WithName("CreateWorkflow").WithSummary("Store a workflow definition; a param with a type and no value is an input given at start")
            .Accepts<CreateWorkflowRequest>("application/json")
            .Produces<CognaizeEnvelope>(200).Produces<CognaizeEnvelope>(401).Produces<CognaizeEnvelope>(412).Produces<CognaizeEnvelope>(500);
        workflows.MapGet("/{workflowId}", (HttpContext http, string workflowId) => GetWorkflowAsync(http, workflowId))
            .WithName("GetWorkflow").WithSummary("A stored workflow definition")
            .Produces<CognaizeEnvelope>(200).Produces<CognaizeEnvelope>(401).Produces<CognaizeEnvelope>(412).Produces<CognaizeEnvelope>(500);
        return app;
    }

    public static Task<IResult> RestartFailedStepAsync(HttpContext http) =>
        CognaizeDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var body = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted);
            var (stepId, text) = ParseStepId(body);
            var changes = ParseParams(body);
            var step = await EchoingStepId(text, () => http.RequestServices.GetRequiredService<RestartFailedStepHandler>()
                .HandleAsync(new RestartFailedStep(stepId, changes), http.RequestAborted));
            return CognaizeDialect.Ok(http, "Failed process step restarted",
                new ProcessStepData(step.TaskId.ToString(), step.Id.ToString(), CognaizeDialect.Params(step.Params)));
        });

    public static Task<IResult> CompleteStepAsync(HttpContext http) =>
        CognaizeDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var body = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted);
            var (stepId, text) = ParseStepId(body);
            var changes = ParseParams(body);
            var snapshot = await EchoingStepId(text, () => http.RequestServices.GetRequiredService<CompleteExternalStepHandler>()
                .HandleAsync(new CompleteExternalStep(stepId, changes), http.RequestAborted));
            var (_, index) = RestartFailedStepHandler.Locate(stepId);
            var step = snapshot.Steps[index];
            return CognaizeDialect.Ok(http, "Process step completed",
                new ProcessStepData(step.TaskId.ToString(), step.Id.ToString(), CognaizeDialect.Params(step.Params)));
        });

    public static Task<IResult> StartAsync(HttpContext http) =>
        CognaizeDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var body = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted);
            var workflowId = ParseGuid(body.String("workflowId"), "workflowId", "the id of a stored workflow");
            var given = JsonBody.Params(body.Property("params"), "params") ?? [];
            var retry = RetryJson.Parse(body.Property("retry"), "retry");
            var start = http.RequestServices.GetRequiredService<StartFromDefinitionHandler>();
            var outcome = await IdempotencyKey.CreateAsync(http, body,
                async (id, ct) => (await start.HandleAsync(new StartFromDefinition(workflowId, given, CognaizeDialect.Origin, id) { Retry = retry }, ct)).Task);
            var process = outcome.Snapshot;
            var first = process.Steps[0];
            return CognaizeDialect.Ok(http, "Process started", new ProcessStartedData(
                process.Task.Id.ToString(), first.Id.ToString(), workflowId.ToString(),
                CognaizeDialect.Status(process.Task.Status), CognaizeDialect.Params(first.Params))).Replayed(http, outcome);
        });

    public static Task<IResult> GetAsync(HttpContext http, string processId) =>
        CognaizeDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
        {
            var id = TaskIds.TryParse(processId, out var guid) && TaskIds.IsTaskId(guid) ? guid : throw new TaskNotFoundException(NotFoundKind.Task, Echo(processId));
            var store = http.RequestServices.GetRequiredService<ITaskStore>();
            var reading = store.GetAsync(id, includeAttempts: true, http.RequestAborted);
            var trail = store.GetEventsAsync(id, http.RequestAborted);
            await Task.WhenAll(reading, trail);
            var snapshot = await reading ?? throw new TaskNotFoundException(NotFoundKind.Task, Echo(processId));
            return CognaizeDialect.Ok(http, "OK", CognaizeDialect.ToView(snapshot, await trail ?? []));
        });

    public static Task<IResult> CreateWorkflowAsync(HttpContext http) =>
        CognaizeDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var body = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted);
            var command = new CreateDefinition(
                body.String("name"), body.String("type") is { } type && !string.IsNullOrWhiteSpace(type) ? type : CognaizeDialect.DefaultWorkflowType,
                body.String("description"), JsonBody.Steps(body, ParseDeclaredParams));
            var workflow = await http.RequestServices.GetRequiredService<CreateDefinitionHandler>().HandleAsync(command, http.RequestAborted);
            return CognaizeDialect.Ok(http, "Workflow created", CognaizeDialect.ToView(workflow));
        });

    public static Task<IResult> GetWorkflowAsync(HttpContext http, string workflowId) =>
        CognaizeDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
        {
            var id = !workflowId.Contains('x', StringComparison.OrdinalIgnoreCase) && Guid.TryParse(workflowId, out var guid) // hex digits only
                ? guid
                : throw new TaskNotFoundException(NotFoundKind.Definition, Echo(workflowId));
            var workflow = await http.RequestServices.GetRequiredService<IDefinitionStore>().GetAsync(id, http.RequestAborted)
                ?? throw new TaskNotFoundException(NotFoundKind.Definition, Echo(workflowId));
            if (workflow.ETag is { } etag)
            {
                http.Response.Headers.ETag = etag;
            }

            return CognaizeDialect.Ok(http, "OK", CognaizeDialect.ToView(workflow));
        });

    /// <summary>An unknown step (the step commands report it so, also when its process is unknown) names the id as the client wrote it.</summary>
    private static async Task<T> EchoingStepId<T>(string stepId, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (TaskNotFoundException notFound) when (notFound.Kind == NotFoundKind.Step)
        {
            throw new TaskNotFoundException(NotFoundKind.Step, stepId);
        }
    }

    private static (Guid Id, string Text) ParseStepId(JsonElement body)
    {
        var text = body.String("processStepId");
        return (ParseGuid(text, "processStepId", "the id of a process step"), text!);
    }

    private static Guid ParseGuid(string? text, string field, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidRequestException(field, $"'{field}' is required: {what} (a GUID).");
        }

        return TaskIds.TryParse(text, out var id)
            ? id
            : throw new InvalidRequestException(field, $"'{field}' must be a GUID, not '{Echo(text)}'.");
    }

    private static Dictionary<string, ParamValue> ParseParams(JsonElement body)
    {
        var values = JsonBody.Params(body.Property("params"), "params") ?? [];
        ParamsSize.Check(values, "params", "params");
        return values;
    }

    /// <summary>Like <see cref="JsonBody.Params"/>, but a parameter with a type and no value declares an input.</summary>
    private static Dictionary<string, ParamValue>? ParseDeclaredParams(JsonElement? element, string field)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            return JsonBody.Params(element, field);
        }

        var inputs = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        var valued = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in e.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Object && value.Property("strValue") is null && value.Property("longValue") is null && value.Property("doubleValue") is null)
            {
                var type = value.String("type", $"{field}.{property.Name}.type");
                inputs[property.Name] = DefinitionParams.Input(
                    type is not null && Enum.TryParse<ParamType>(type, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(type, out _)
                        ? parsed
                        : throw new InvalidRequestException($"{field}.{property.Name}.type", $"Parameter '{property.Name}' needs a 'type' of STRING, LONG or DOUBLE."));
            }
            else
            {
                valued[property.Name] = value;
            }
        }

        var result = JsonBody.Params(JsonSerializer.SerializeToElement(valued), field) ?? [];
        foreach (var (name, input) in inputs)
        {
            result[name] = input;
        }

        return result;
    }

    private static string Echo(string text) => text.Length <= MaxEchoedLength ? text : text[..MaxEchoedLength] + "…";
}
