using System.Text.Json;
using System.Text.Json.Nodes;
using FuncTasks.Api.OpenApi;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Commands.Agents;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using static FuncTasks.Api.OpenApi.SampleTask;

namespace FuncTasks.Api.Flatfile;

/// <summary>The Flatfile dialect's part of the OpenAPI document: its tag and the examples of its operations.</summary>
internal sealed class FlatfileOpenApi : IDialectOpenApi
{
    public string Tag => FlatfileApi.Tag;

    public string TagDescription => "The Jobs API of Flatfile: agent-driven jobs (ack, complete, fail) and planned jobs whose steps the engine runs. Bodies are `{data}`, errors `{errors: [{key?, message}]}`.";

    public JsonSerializerOptions Json => Wire.CamelCase;

    public IReadOnlyCollection<Type> TypedParams { get; } = [typeof(JobParam)];

    public IReadOnlyCollection<string> IdempotentOperations { get; } = ["CreateJob"];

    public JsonNode? RequestExample(string operation) => operation switch
    {
        "CreateJob" => Parse("""
            {"type": "workbook", "operation": "submitAction", "source": "us_wb_contacts", "trigger": "immediate", "mode": "background",
             "input": {"rows": 120}}
            """),
        "ReplaceJobPlan" => Parse("""
            {"steps": [
               {"name": "warm-up", "action": "delay", "params": {"seconds": {"doubleValue": 0.5, "type": "DOUBLE"}}},
               {"name": "notify", "action": "http", "params": {"url": {"strValue": "http://127.0.0.1:8000/notify", "type": "STRING"}}}]}
            """),
        "UpdateJobPlan" => Parse("""
            {"steps": [{"index": 1, "params": {"url": {"strValue": "http://127.0.0.1:8001/notify", "type": "STRING"}}}]}
            """),
        "AckJob" => Parse("""{"info": "reading rows", "progress": 30, "estimatedCompletionAt": "2026-11-22T09:40:00.000Z"}"""),
        "CompleteJob" => Parse("""{"outcome": {"heading": "Success", "message": "120 rows submitted"}, "info": "done"}"""),
        "FailJob" => Parse("""{"outcome": {"heading": "Failed", "message": "Row 7 is invalid", "acknowledge": true}, "info": "stopped at row 7"}"""),
        "CancelJob" => Parse("""{"info": "not needed any more"}"""),
        "SplitJob" => Parse("""{"parts": 2, "runInParallel": true}"""),
        _ => null,
    };

    public Task<JsonNode?> ResponseExampleAsync(string operation, int status) => Task.FromResult((operation, status) switch
    {
        ("CreateJob" or "RetryJob", 200) => Jobs(FlatfileDialect.ToJob(AgentJob(TaskState.InProgress, Agent))),
        ("GetJob" or "UpdateJob" or "AckJob", 200) => Jobs(FlatfileDialect.ToJob(AgentJob(TaskState.InProgress, Acked))),
        ("CompleteJob", 200) => Jobs(FlatfileDialect.ToJob(AgentJob(TaskState.Succeeded, Acked with { Info = "done", Outcome = Element("""{"heading": "Success", "message": "120 rows submitted"}""") }))),
        ("AckJobOutcome", 200) => Jobs(FlatfileDialect.ToJob(AgentJob(TaskState.Succeeded, Acked with
            { Info = "done", Outcome = Element("""{"heading": "Success", "message": "120 rows submitted"}"""), OutcomeAcknowledgedAt = ExampleHttp.Now }))),
        ("FailJob", 200) => Jobs(FlatfileDialect.ToJob(AgentJob(TaskState.Failed, Acked with { Info = "stopped at row 7", Outcome = Element("""{"heading": "Failed", "message": "Row 7 is invalid"}""") }))),
        ("CancelJob", 200) => Jobs(FlatfileDialect.ToJob(AgentJob(TaskState.Cancelled, Agent with { Info = "not needed any more" }))),
        ("SplitJob", 200) => Jobs(FlatfileDialect.ToJob(AgentJob(TaskState.InProgress, Agent with { Kind = AgentTaskKind.Parent }))),
        ("ExecuteJob" or "DeleteJob", 200) => Jobs(new SuccessData(true)),
        ("ListJobs", 200) => Camel(new JobsPage(new JobsPagination(1, 1, 1), [FlatfileDialect.ToJob(AgentJob(TaskState.InProgress, Acked))])),
        ("GetJobPlan" or "ReplaceJobPlan" or "UpdateJobPlan", 200) => Jobs(new JobPlanBody(
            FlatfileDialect.ToJob(Failed.Task with { Type = "workbook", Name = "submitAction", Extensions = (Agent with { Kind = AgentTaskKind.Planned }).ToJson() }),
            new FlatfileJobPlan(Failed.Steps.Select((step, index) => FlatfileDialect.ToStep(step, index)).ToList(), [], [], []))),
        _ => null,
    });

    /// <summary>
    /// A refused cancel, with the sentence the committed document has always shown in this dialect's 409 examples:
    /// VCF's, although the dialect answers with the engine's own sentence (kept so that docs/openapi.json is unchanged).
    /// </summary>
    public IEnumerable<FuncTasksException> ErrorOutcomes(string operation) =>
        [new TaskConflictException(ConflictKind.CancelNotAllowed, DocumentedCancelMessage) { TaskState = TaskState.Succeeded }];

    private const string DocumentedCancelMessage = "Task can not be cancelled. Only a IN_PROGRESS task can be cancelled.";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, WireSchemas wire, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>The sample task as a Flatfile job driven by an agent (one external step), in the given state.</summary>
    private static TaskRecord AgentJob(TaskState state, AgentTaskData data) => Failed.Task with
    {
        Type = "workbook",
        Name = "submitAction",
        Status = state,
        Error = null,
        FailedStepIndex = null,
        CompletedAt = state is TaskState.InProgress or TaskState.Created ? null : Failed.Task.CompletedAt,
        Extensions = data.ToJson(),
    };

    private static AgentTaskData Agent => new()
    {
        Kind = AgentTaskKind.Agent,
        Fields = new FlatfileJobFields
        {
            Source = "us_wb_contacts",
            Trigger = "immediate",
            Mode = "background",
            CreatedBy = "ci",
            Input = Element("""{"rows": 120}"""),
        }.ToFields(),
    };

    private static AgentTaskData Acked => Agent with
    {
        AckedBy = "agent-7",
        AckedAt = ExampleHttp.Now.AddMinutes(-4),
        Progress = 30,
        Info = "reading rows",
        EstimatedCompletionAt = ExampleHttp.Now.AddMinutes(10),
    };

    private static JsonNode? Jobs(object data) => ExampleHttp.Write(new DataBody<object>(data), Wire.CamelCase);

    private static JsonNode? Camel(object body) => ExampleHttp.Write(body, Wire.CamelCase);
}
