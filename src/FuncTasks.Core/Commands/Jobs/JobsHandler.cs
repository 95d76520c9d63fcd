using System.Text.Json;
using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Commands.Jobs;

/// <param name="Type">The Flatfile job type (the task's Type).</param>
/// <param name="Operation">The operation (the task's Name).</param>
/// <param name="Data">The job's other fields; <c>Kind</c> and <c>AwaitsPredecessors</c> are set here.</param>
/// <param name="Plan">Steps the engine runs; null for an agent-driven job.</param>
/// <param name="Id">The id to create it under (reserved by an idempotency key); a new one when null.</param>
public sealed record CreateJob(string Type, string Operation, JobData Data, IReadOnlyList<NewStep>? Plan, Guid? Id = null);

/// <summary>Fields of a job that may change until it finishes (null leaves a field as it is).</summary>
public sealed record JobEdit
{
    public JsonElement? Config { get; init; }
    public JsonElement? Input { get; init; }
    public JsonElement? Metadata { get; init; }
    public JsonElement? Subject { get; init; }
    public JsonElement? PartData { get; init; }
    public string? Destination { get; init; }
    public string? Mode { get; init; }
    public string? Info { get; init; }
    public int? Progress { get; init; }
    public DateTimeOffset? EstimatedCompletionAt { get; init; }
}

/// <summary>
/// The Flatfile job lifecycle over the task engine. A job is a task (Origin <c>jobs</c>): an agent-driven job is
/// one <c>external</c> step, a planned job runs its plan's steps, predecessors and split parts are waited for by an
/// <c>await-tasks</c> step. Every change is read → check → write with the task row's ETag (<see cref="TaskMutation"/>).
/// </summary>
public sealed partial class JobsHandler(
    ITaskStore store,
    TaskMutation mutation,
    TaskValidation validation,
    IOptions<EngineOptions> options,
    ILogger<JobsHandler> logger)
{
    public const string Origin = "jobs";
    public const int MaxPredecessors = 50;

    public async Task<TaskSnapshot> GetAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var snapshot = await store.GetAsync(jobId, includeAttempts: false, cancellationToken);
        return snapshot is { Task.Origin: Origin } ? snapshot : throw NotFound(jobId);
    }

    public async Task<TaskSnapshot> CreateAsync(CreateJob command, CancellationToken cancellationToken)
    {
        var predecessors = await CheckPredecessorsAsync(command.Data.PredecessorIds, cancellationToken);
        if (command.Data.ParentId is { } parentId
            && (!TaskIds.TryParse(parentId, out var parent) || await store.GetTaskAsync(parent, cancellationToken) is not { Origin: Origin }))
        {
            throw new InvalidRequestException("parentId", $"parentId '{parentId}' names no job.");
        }

        var plan = command.Plan;
        if (plan is not null)
        {
            ValidatePlan(plan, predecessors.Count > 0);
        }

        var data = command.Data with
        {
            Kind = plan is null ? JobKind.Agent : JobKind.Planned,
            AwaitsPredecessors = predecessors.Count > 0,
            PredecessorIds = predecessors.Count > 0 ? predecessors.Select(p => p.ToString()).ToList() : null,
        };
        var start = string.Equals(data.Trigger, "immediate", StringComparison.Ordinal);
        var snapshot = await InsertAsync(command.Id ?? Guid.Empty, command.Type, command.Operation, data, plan, start, cancellationToken);
        LogCreated(snapshot.Task.Id, command.Type, command.Operation, data.Kind, start);
        return snapshot;
    }

    /// <summary>A created job starts: ready for an agent, or its plan (or predecessor wait) is scheduled.</summary>
    public async Task<TaskSnapshot> ExecuteAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var snapshot = await ApplyAsync(jobId, (s, data, now) =>
        {
            if (s.Task.Status != TaskState.Created)
            {
                throw new TaskConflictException(ConflictKind.ExecuteNotAllowed,
                    $"Job can not be executed: it is {Word(data.PhaseOf(s.Task))}. Only a created job can be executed.", Word(data.PhaseOf(s.Task)));
            }

            return new TaskUpdate(s.Task with { Status = TaskState.InProgress, Generation = s.Task.Generation + 1, UpdatedAt = now });
        }, cancellationToken);
        await ScheduleEngineWorkAsync(snapshot, cancellationToken);
        LogExecuted(jobId);
        return snapshot;
    }

    public Task<TaskSnapshot> UpdateAsync(Guid jobId, JobEdit edit, CancellationToken cancellationToken) =>
        ApplyAsync(jobId, (s, data, now) =>
        {
            var phase = data.PhaseOf(s.Task);
            if (s.Task.Status.IsFinished())
            {
                throw new TaskConflictException(ConflictKind.EditNotAllowed,
                    $"Job can not be edited: it is {Word(phase)}. Only a job that has not finished can be edited.", Word(phase));
            }

            if (edit.Progress is not null && data.Kind != JobKind.Agent)
            {
                throw new InvalidRequestException("progress", "The progress of a planned job comes from its steps; only an agent-driven job's progress can be set.");
            }

            var changed = data with
            {
                Config = edit.Config ?? data.Config,
                Input = edit.Input ?? data.Input,
                Metadata = edit.Metadata ?? data.Metadata,
                Subject = edit.Subject ?? data.Subject,
                PartData = edit.PartData ?? data.PartData,
                Destination = edit.Destination ?? data.Destination,
                Mode = edit.Mode ?? data.Mode,
                Info = edit.Info ?? data.Info,
                Progress = edit.Progress ?? data.Progress,
                EstimatedCompletionAt = edit.EstimatedCompletionAt ?? data.EstimatedCompletionAt,
            };
            return new TaskUpdate(With(s.Task, changed, now) with { Progress = edit.Progress ?? s.Task.Progress });
        }, cancellationToken);

    /// <summary>Deletes a job that is not running (created, ready or finished) with its steps and history.</summary>
    public async Task DeleteAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var deleted = await ApplyAsync(jobId, (s, data, _) =>
        {
            var phase = data.PhaseOf(s.Task);
            if (phase is JobPhase.Executing or JobPhase.Scheduled)
            {
                throw new TaskConflictException(ConflictKind.DeleteNotAllowed,
                    $"Job can not be deleted while it is {Word(phase)}; cancel it first.", Word(phase));
            }

            return new TaskUpdate { DeletesTask = true };
        }, cancellationToken);
        await mutation.ReleaseRunAsync(deleted); // a failed job's orchestration may still wait for a retry
        LogDeleted(jobId);
    }

    /// <summary>
    /// Read → check → write on a job (404 for a task that is not a job). The write is recorded in the audit trail under
    /// the calling command's name (AckAsync → "ack") unless the decision names its own (retry, cancel, complete-step).
    /// </summary>
    private Task<TaskSnapshot> ApplyAsync(
        Guid jobId, Func<TaskSnapshot, JobData, DateTimeOffset, TaskUpdate> decide, CancellationToken cancellationToken,
        [System.Runtime.CompilerServices.CallerMemberName] string command = "")
    {
        var operation = OperationName(command);
        return mutation.ApplyAsync(jobId, (s, now) => s.Task.Origin == Origin
            ? decide(s, JobData.Of(s.Task), now) is var update && update.Operation is null ? update with { Operation = operation } : update
            : throw NotFound(jobId), cancellationToken);
    }

    /// <summary>"AckOutcomeAsync" → "ack-outcome".</summary>
    internal static string OperationName(string command)
    {
        var name = command.EndsWith("Async", StringComparison.Ordinal) ? command[..^"Async".Length] : command;
        var text = new System.Text.StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    /// <summary>
    /// Hands the job to the runner when the engine has work: predecessors to wait for, plan steps, parts.
    /// An agent-driven job whose agent step is next needs no runner: the agent drives it through the API.
    /// </summary>
    private async Task ScheduleEngineWorkAsync(TaskSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.Task.Status != TaskState.InProgress || snapshot.NextRunnableStep is not { } next)
        {
            return;
        }

        if (JobData.Of(snapshot.Task).Kind == JobKind.Agent && JobData.IsAgentStep(next))
        {
            return;
        }

        await mutation.ScheduleAsync(snapshot, cancellationToken);
    }

    private async Task<TaskSnapshot> InsertAsync(
        Guid id, string type, string operation, JobData data, IReadOnlyList<NewStep>? plan, bool start, CancellationToken cancellationToken, bool schedule = true)
    {
        var now = mutation.Time.GetUtcNow();
        id = id == Guid.Empty ? TaskIds.NewTaskId(mutation.Time) : id;
        var work = new List<NewStep>();
        if (data.AwaitsPredecessors)
        {
            work.Add(AwaitStep(JobData.StepPredecessors, data.PredecessorIds!.Select(Guid.Parse)));
        }

        work.AddRange(plan ?? [new NewStep(JobData.StepAgent, ExternalStepAction.ActionName, "Done by an agent through the Jobs API", null)]);
        var task = new TaskRecord
        {
            Id = id,
            Name = operation,
            Type = type,
            Status = start ? TaskState.InProgress : TaskState.Created,
            CreatedAt = now,
            UpdatedAt = now,
            StepCount = work.Count,
            Generation = start ? 1 : 0,
            Origin = Origin,
            Extensions = data.ToJson(),
        };
        var snapshot = await CreateTaskHandler.InsertAsync(store, task, work.Select((s, i) => s.ToPendingStep(id, i, now)).ToList(), cancellationToken);
        if (start && schedule)
        {
            await ScheduleEngineWorkAsync(snapshot, cancellationToken);
        }

        return snapshot;
    }

    private static NewStep AwaitStep(string name, IEnumerable<Guid> ids) => new(
        name,
        AwaitTasksStepAction.ActionName,
        name == JobData.StepParts ? "Waits for the job's parts to complete" : "Waits for the job's predecessors to complete",
        new Dictionary<string, ParamValue>(StringComparer.Ordinal) { [AwaitTasksStepAction.TaskIdsParam] = AwaitTasksStepAction.TaskIdsValue(ids) });

    private void ValidatePlan(IReadOnlyList<NewStep> plan, bool awaitsPredecessors, string field = "plan.steps")
    {
        var max = options.Value.MaxSteps - (awaitsPredecessors ? 1 : 0);
        if (plan.Count == 0)
        {
            throw new InvalidRequestException(field, $"'{field}' needs at least one step {{name, action, params}}.");
        }

        if (plan.Count > max)
        {
            throw new InvalidRequestException(field, $"A plan may have at most {max} steps here; '{field}' has {plan.Count}.");
        }

        for (var i = 0; i < plan.Count; i++)
        {
            var item = $"{field}[{i}]";
            if (plan[i] is null)
            {
                throw new InvalidRequestException(item, $"{item} must be an object {{name, action, params}}.");
            }

            if (string.IsNullOrWhiteSpace(plan[i].Name) || plan[i].Name!.Length > TaskValidation.MaxNameLength)
            {
                throw new InvalidRequestException(item + ".name", $"{item} needs a 'name' of 1 to {TaskValidation.MaxNameLength} characters.");
            }

            if (plan[i].Description is { Length: > TaskValidation.MaxDescriptionLength })
            {
                throw new InvalidRequestException(item + ".description", $"{item} 'description' must be at most {TaskValidation.MaxDescriptionLength} characters.");
            }

            validation.ValidateStep(plan[i].Action, plan[i].Params ?? StepParams.Empty, item);
            TaskValidation.ValidateRetry(plan[i].Retry, item + ".retry");
            TaskValidation.ValidateTimeout(plan[i].TimeoutSeconds, item + ".timeoutSeconds");
        }
    }

    private async Task<List<Guid>> CheckPredecessorsAsync(IReadOnlyList<string>? given, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        if (given is null)
        {
            return ids;
        }

        if (given.Count > MaxPredecessors)
        {
            throw new InvalidRequestException("predecessorIds", $"A job may have at most {MaxPredecessors} predecessors; {given.Count} were given.");
        }

        for (var i = 0; i < given.Count; i++)
        {
            if (!TaskIds.TryParse(given[i], out var id) || !TaskIds.IsTaskId(id) || await store.GetTaskAsync(id, cancellationToken) is not { Origin: Origin })
            {
                throw new InvalidRequestException($"predecessorIds[{i}]", $"predecessorIds[{i}] '{given[i]}' names no job.");
            }

            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private static TaskRecord With(TaskRecord task, JobData data, DateTimeOffset now) => task with { Extensions = data.ToJson(), UpdatedAt = now };

    /// <summary>The Flatfile word for a phase (created, scheduled, ready, executing, complete, failed, canceled).</summary>
    public static string Word(JobPhase phase) => phase.ToString().ToLowerInvariant();

    private static TaskNotFoundException NotFound(Guid jobId) => new("Job", jobId.ToString());

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} created: {Type}/{Operation}, {Kind}, started {Started}")]
    private partial void LogCreated(Guid jobId, string type, string operation, JobKind kind, bool started);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} executed")]
    private partial void LogExecuted(Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} deleted")]
    private partial void LogDeleted(Guid jobId);
}
