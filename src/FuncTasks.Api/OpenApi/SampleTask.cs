using System.Text.Json;
using System.Text.Json.Nodes;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// One sample task — "deploy-site": a delay that completed, then an http call that failed with 503 — that every
/// dialect's examples (<see cref="IDialectOpenApi"/>) show through its own mapping.
/// </summary>
internal static class SampleTask
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
        id == TaskId || (TaskIds.TryParseStepId(id, out var task, out _) && task == TaskId);

    public static TaskSnapshot Failed { get; } = BuildFailed();

    public static TaskSnapshot Running { get; } = Failed with
    {
        Task = Failed.Task with { Status = TaskState.InProgress, Error = null, FailedStepIndex = null, CompletedAt = null },
        Steps = [Failed.Steps[0], Failed.Steps[1] with { Status = StepState.Started, Error = null, CompletedAt = null }],
    };

    /// <summary>A JSON value of a sample (an agent's outcome, an input).</summary>
    public static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A sample request body; <c>$step</c> stands for the failed step's id.</summary>
    public static JsonNode? Parse(string json) => JsonNode.Parse(json.Replace("$step", FailedStepId.ToString(), StringComparison.Ordinal));

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
