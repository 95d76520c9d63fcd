using System.Text.Json;
using System.Text.Json.Nodes;
using FuncTasks.Api.Common;
using FuncTasks.Api.Jobs;
using FuncTasks.Api.Processes;
using FuncTasks.Api.TaskInfo;
using FuncTasks.Api.Tasks;
using FuncTasks.Core.Commands.Agents;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// One sample task — "deploy-site": a delay that completed, then an http call that failed with 503 — shown
/// through each dialect's own mapping, and the sample request bodies. Keyed by operation id (the endpoint name).
/// </summary>
internal static class SampleBodies
{
    public static readonly Guid TaskId = Guid.Parse("0197f3a2-5c1d-8e4b-9a6f-2d7c3b1e0000");
    public static readonly Guid FailedStepId = TaskIds.StepId(TaskId, 1);

    private const string StepFailedType = "FuncTasks.Core.Engine.StepFailedException";
    private const string HttpFailedType = "FuncTasks.Core.Actions.HttpStepException";
    private const string HttpFailedMessage = "POST http://127.0.0.1:8000/notify answered 503 (ServiceUnavailable): maintenance window";

    private const string Stack = """
           at FuncTasks.Core.Actions.HttpStepAction.ExecuteAsync(StepContext context, CancellationToken cancellationToken) in /src/FuncTasks.Core/Actions/HttpStepAction.cs:line 98
           at FuncTasks.Core.Engine.StepExecutor.RunAttemptAsync(TaskSnapshot snapshot, TaskStep step, CancellationToken cancellationToken) in /src/FuncTasks.Core/Engine/StepExecutor.cs:line 201
        """;

    public static bool IsSampleId(Guid id) =>
        id == TaskId || id == Guid.Parse(WorkflowId) || (TaskIds.TryParseStepId(id, out var task, out _) && task == TaskId);

    public static TaskSnapshot Failed { get; } = BuildFailed();

    public static TaskSnapshot Running { get; } = Failed with
    {
        Task = Failed.Task with { Status = TaskState.InProgress, Error = null, FailedStepIndex = null, CompletedAt = null },
        Steps = [Failed.Steps[0], Failed.Steps[1] with { Status = StepState.Started, Error = null, CompletedAt = null }],
    };

    public static JsonNode? Request(string operation) => operation switch
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

    public static async Task<JsonNode?> ResponseAsync(string operation, int status) => (operation, status) switch
    {
        ("CreateTask", 202) => Camel(VcfDialect.ToTask(Running.Task with { Status = TaskState.InProgress, Progress = 0 },
            [Running.Steps[0] with { Status = StepState.Started, CompletedAt = null }, Running.Steps[1] with { Status = StepState.Pending, StartedAt = null }])),
        ("GetTask", 200) => Camel(VcfDialect.ToTask(Failed.Task, Failed.Steps)),
        ("GetTasks", 200) => Camel(new VcfPageOfTask([VcfDialect.ToTask(Failed.Task, null)], new VcfPageMetadata(1, 20, 1, 1))),
        ("GetTaskEvents", 200) => Camel(VcfEvents.ToEvents(TaskId, Events)),
        ("GetProcess", 200) => await Envelope("OK", ProcessesDialect.ToView(Failed, Events)),
        ("RestartFailedStep", 200) => await Envelope("Failed process step restarted", new ProcessStepData(
            TaskId.ToString(), FailedStepId.ToString(), ProcessesDialect.Params(RestartedParams))),
        ("CompleteProcessStep", 200) => await Envelope("Process step completed", new ProcessStepData(
            TaskId.ToString(), FailedStepId.ToString(), ProcessesDialect.Params(Failed.Steps[1].Params))),
        ("StartProcess", 200) => await Envelope("Process started", new ProcessStartedData(
            TaskId.ToString(), TaskIds.StepId(TaskId, 0).ToString(), WorkflowId, "STARTED", ProcessesDialect.Params(Failed.Steps[0].Params))),
        ("CreateWorkflow", 200) => await Envelope("Workflow created", Workflow),
        ("GetWorkflow", 200) => await Envelope("OK", Workflow),
        ("GetTaskInfo", 200) => Dr(TaskInfoDialect.ToTask(Failed.Task)),
        ("CreateJob" or "RetryJob", 200) => Jobs(JobsDialect.ToJob(AgentJob(TaskState.InProgress, Agent))),
        ("GetJob" or "UpdateJob" or "AckJob", 200) => Jobs(JobsDialect.ToJob(AgentJob(TaskState.InProgress, Acked))),
        ("CompleteJob", 200) => Jobs(JobsDialect.ToJob(AgentJob(TaskState.Succeeded, Acked with { Info = "done", Outcome = Json("""{"heading": "Success", "message": "120 rows submitted"}""") }))),
        ("AckJobOutcome", 200) => Jobs(JobsDialect.ToJob(AgentJob(TaskState.Succeeded, Acked with
            { Info = "done", Outcome = Json("""{"heading": "Success", "message": "120 rows submitted"}"""), OutcomeAcknowledgedAt = ExampleHttp.Now }))),
        ("FailJob", 200) => Jobs(JobsDialect.ToJob(AgentJob(TaskState.Failed, Acked with { Info = "stopped at row 7", Outcome = Json("""{"heading": "Failed", "message": "Row 7 is invalid"}""") }))),
        ("CancelJob", 200) => Jobs(JobsDialect.ToJob(AgentJob(TaskState.Cancelled, Agent with { Info = "not needed any more" }))),
        ("SplitJob", 200) => Jobs(JobsDialect.ToJob(AgentJob(TaskState.InProgress, Agent with { Kind = AgentTaskKind.Parent }))),
        ("ExecuteJob" or "DeleteJob", 200) => Jobs(new SuccessData(true)),
        ("ListJobs", 200) => Camel(new JobsPage(new JobsPagination(1, 1, 1), [JobsDialect.ToJob(AgentJob(TaskState.InProgress, Acked))])),
        ("GetJobPlan" or "ReplaceJobPlan" or "UpdateJobPlan", 200) => Jobs(new JobPlanBody(
            JobsDialect.ToJob(Failed.Task with { Type = "workbook", Name = "submitAction", Extensions = (Agent with { Kind = AgentTaskKind.Planned }).ToJson() }),
            new FlatfileJobPlan(Failed.Steps.Select((step, index) => JobsDialect.ToStep(step, index)).ToList(), [], [], []))),
        ("GetAllTasksInfo", 200) => Dr(new DrTaskList([TaskInfoDialect.ToTask(Failed.Task), TaskInfoDialect.ToTask(Running.Task)], new DrListMeta([], 2, 0, 100))),
        _ => null,
    };

    public const string WorkflowId = "0b9c6a5e-2f4d-4e8a-9c1b-7d3e5f6a8b90";

    private static Dictionary<string, ParamValue> RestartedParams => new(Failed.Steps[1].Params)
    {
        ["url"] = ParamValue.Of("http://127.0.0.1:8001/notify"),
        ["timeoutSeconds"] = ParamValue.Of(60L),
    };

    private static WorkflowView Workflow => new(WorkflowId, "deploy-site", "SITE_DEPLOY", "Warm up, then notify the site", Wire.Time(ExampleHttp.Now.AddDays(-1))!,
    [
        new WorkflowStepView("warm-up", "delay", null, ProcessesDialect.Params(Failed.Steps[0].Params)),
        new WorkflowStepView("notify", "http", null, new Dictionary<string, ProcessParam> { ["url"] = new(null, null, null, "STRING") }),
    ]);

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
        Fields = new JobFields
        {
            Source = "us_wb_contacts",
            Trigger = "immediate",
            Mode = "background",
            CreatedBy = "ci",
            Input = Json("""{"rows": 120}"""),
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

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static JsonNode? Jobs(object data) => Camel(new DataBody<object>(data));

    /// <summary>A body as the camelCase dialects (VCF, Flatfile) write it.</summary>
    private static JsonNode? Camel(object body) => ExampleHttp.Stabilise(JsonSerializer.SerializeToNode(body, Wire.CamelCase));

    private static JsonNode? Dr(object body) => ExampleHttp.Stabilise(JsonSerializer.SerializeToNode(body, TaskInfoDialect.Json));

    private static async Task<JsonNode?> Envelope(string message, object data) =>
        (await ExampleHttp.RunAsync(ProcessesDialect.Ok(ExampleHttp.NewContext(), message, data))).Body;

    private static JsonNode? Parse(string json) => JsonNode.Parse(json.Replace("$step", FailedStepId.ToString(), StringComparison.Ordinal));

    /// <summary>The sample's audit trail, derived by the real rules (<see cref="TaskAudit"/>) from the engine's writes that led to it.</summary>
    public static IReadOnlyList<TaskEvent> Events { get; } = BuildEvents();

    private static IReadOnlyList<TaskEvent> BuildEvents()
    {
        var failed = Failed;
        var started = failed.Task.StartedAt!.Value;
        var initial = failed with
        {
            Task = failed.Task with { Status = TaskState.InProgress, Error = null, FailedStepIndex = null, CompletedAt = null, CompletedSteps = 0, Progress = 0 },
            Steps = failed.Steps.Select(s => s with { Status = StepState.Pending, Error = null, AttemptCount = 0, StartedAt = null, CompletedAt = null }).ToList(),
        };
        var warmUp = initial.Steps[0] with { Status = StepState.Started, AttemptCount = 1, ActiveAttempt = 1, StartedAt = started };
        var running = initial.With(steps: [warmUp]);
        var notify = failed.Steps[1] with { Status = StepState.Started, ActiveAttempt = 1, Error = null, CompletedAt = null };
        var chained = running.With(steps: [failed.Steps[0], notify]);
        IReadOnlyList<TaskEvent>[] writes =
        [
            TaskAudit.Derive(initial, new Core.TaskUpdate(initial.Task, [warmUp]) { Operation = "run" }, TaskActor.Engine, started),
            TaskAudit.Derive(running, new Core.TaskUpdate(running.Task, [failed.Steps[0], notify]) { Operation = "run" }, TaskActor.Engine, failed.Steps[0].CompletedAt!.Value),
            TaskAudit.Derive(chained, new Core.TaskUpdate(failed.Task, [failed.Steps[1]]) { Operation = "run" }, TaskActor.Engine, failed.Task.CompletedAt!.Value),
        ];
        return TaskAudit.Trail(failed.Task, writes);
    }

    private static TaskSnapshot BuildFailed()
    {
        var created = ExampleHttp.Now.AddMinutes(-5);
        var failedAt = created.AddSeconds(2.4);
        var httpFailure = new FailureDetails(HttpFailedType, HttpFailedMessage, Stack);
        var taskFailure = new FailureDetails(StepFailedType, $"Step 'notify' (http) failed: {HttpFailedMessage}",
            "   at FuncTasks.Core.Engine.StepExecutor.RunAttemptAsync(TaskSnapshot snapshot, TaskStep step, CancellationToken cancellationToken) in /src/FuncTasks.Core/Engine/StepExecutor.cs:line 220",
            httpFailure);
        var warmUpParams = new Dictionary<string, ParamValue> { ["seconds"] = ParamValue.Of(0.5) };
        var notifyParams = new Dictionary<string, ParamValue>
        {
            ["method"] = ParamValue.Of("POST"),
            ["timeoutSeconds"] = ParamValue.Of(30L),
            ["url"] = ParamValue.Of("http://127.0.0.1:8000/notify"),
        };
        var task = new TaskRecord
        {
            Id = TaskId,
            Name = "deploy-site",
            Type = "SITE_DEPLOY",
            Description = "Warm up, then notify the site",
            Status = TaskState.Failed,
            CreatedAt = created,
            StartedAt = created.AddSeconds(0.1),
            CompletedAt = failedAt,
            UpdatedAt = failedAt,
            StepCount = 2,
            CompletedSteps = 1,
            Progress = 50,
            Generation = 1,
            Error = taskFailure,
            FailedStepIndex = 1,
            CreatedBy = "ci",
        };
        TaskStep[] steps =
        [
            new()
            {
                TaskId = TaskId, Index = 0, Name = "warm-up", Action = "delay", Params = warmUpParams, Status = StepState.Completed,
                CreatedAt = created, StartedAt = created.AddSeconds(0.1), CompletedAt = created.AddSeconds(0.6), AttemptCount = 1,
            },
            new()
            {
                TaskId = TaskId, Index = 1, Name = "notify", Action = "http", Params = notifyParams, Status = StepState.Failed,
                CreatedAt = created, StartedAt = created.AddSeconds(0.7), CompletedAt = failedAt, AttemptCount = 1, Error = httpFailure,
            },
        ];
        StepAttempt[] attempts =
        [
            new()
            {
                TaskId = TaskId, StepIndex = 0, Number = 1, StartedAt = created.AddSeconds(0.1), FinishedAt = created.AddSeconds(0.6),
                Params = warmUpParams, Outcome = StepState.Completed,
            },
            new()
            {
                TaskId = TaskId, StepIndex = 1, Number = 1, StartedAt = created.AddSeconds(0.7), FinishedAt = failedAt,
                Params = notifyParams, Outcome = StepState.Failed, Error = httpFailure,
            },
        ];
        return new TaskSnapshot(task, steps, attempts);
    }
}
