using System.Text.Json;
using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Commands.Agents;

/// <param name="Type">The task's Type.</param>
/// <param name="Name">The task's Name.</param>
/// <param name="Data">The task's other fields; <c>Kind</c> and <c>AwaitsPredecessors</c> are set here.</param>
/// <param name="Plan">Steps the engine runs; null for an agent-driven task.</param>
/// <param name="Start">True starts it at once; false keeps it Created until it is executed.</param>
/// <param name="Id">The id to create it under (reserved by an idempotency key); a new one when null.</param>
public sealed record CreateAgentTask(string Type, string Name, AgentTaskData Data, IReadOnlyList<NewStep>? Plan, bool Start, Guid? Id = null);

/// <summary>Fields of a task that may change until it finishes (null leaves a field as it is).</summary>
/// <param name="Fields">The dialect's own fields to set (see <see cref="AgentTaskData.Fields"/>).</param>
public sealed record AgentTaskEdit(IReadOnlyDictionary<string, JsonElement>? Fields = null)
{
    public JsonElement? PartData { get; init; }
    public string? Info { get; init; }
    public int? Progress { get; init; }
    public DateTimeOffset? EstimatedCompletionAt { get; init; }
}

/// <summary>
/// The lifecycle of a task an agent drives over the engine: an agent-driven task is one <c>external</c> step, a planned
/// task runs its plan's steps, predecessors and split parts are waited for by an <c>await-tasks</c> step. Every change
/// is read → check → write with the task row's ETag (<see cref="TaskMutation"/>). A refusal is a
/// <see cref="TaskConflictException"/> carrying an <see cref="AgentTaskRefusal"/>, worded by the dialect.
/// One instance per dialect, with that dialect's <see cref="AgentTaskProfile"/>.
/// </summary>
public sealed partial class AgentTaskHandler(
    AgentTaskProfile profile,
    ITaskStore store,
    TaskMutation mutation,
    TaskValidation validation,
    IOptions<EngineOptions> options,
    ILogger<AgentTaskHandler> logger)
{
    public const int MaxPredecessors = 50;

    public AgentTaskProfile Profile => profile;

    public async Task<TaskSnapshot> GetAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var snapshot = await store.GetAsync(taskId, includeAttempts: false, cancellationToken);
        return snapshot is not null && snapshot.Task.Origin == profile.Origin ? snapshot : throw NotFound(taskId);
    }

    /// <summary>The task and its steps for a GET: one point read where the task row keeps its steps' view (no step ETags).</summary>
    public async Task<TaskSnapshot> ReadAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var snapshot = await store.ReadAsync(taskId, cancellationToken);
        return snapshot is not null && IsOurs(snapshot.Task) ? snapshot : throw NotFound(taskId);
    }

    /// <summary>Only the task row (one point read without the steps' view), for a GET that shows no steps.</summary>
    public async Task<TaskRecord> ReadTaskAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var task = await store.GetTaskAsync(taskId, cancellationToken);
        return IsOurs(task) ? task! : throw NotFound(taskId);
    }

    public async Task<TaskSnapshot> CreateAsync(CreateAgentTask command, CancellationToken cancellationToken)
    {
        var predecessors = await CheckPredecessorsAsync(command.Data.PredecessorIds, cancellationToken);
        if (command.Data.ParentId is { } parentId
            && (!TaskIds.TryParse(parentId, out var parent) || !IsOurs(await store.GetTaskAsync(parent, cancellationToken))))
        {
            throw new InvalidRequestException("parentId", $"parentId '{parentId}' names no task of origin '{profile.Origin}'.")
            {
                Rule = RequestRule.UnknownParent,
                Value = parentId,
            };
        }

        var plan = command.Plan;
        if (plan is not null)
        {
            ValidatePlan(plan, predecessors.Count > 0);
        }

        var data = command.Data with
        {
            Kind = plan is null ? AgentTaskKind.Agent : AgentTaskKind.Planned,
            AwaitsPredecessors = predecessors.Count > 0,
            PredecessorIds = predecessors.Count > 0 ? predecessors.Select(p => p.ToString()).ToList() : null,
        };
        var snapshot = await InsertAsync(command.Id ?? Guid.Empty, command.Type, command.Name, data, plan, command.Start, cancellationToken);
        LogCreated(snapshot.Task.Id, command.Type, command.Name, data.Kind, command.Start);
        return snapshot;
    }

    /// <summary>A created task starts: ready for an agent, or its plan (or predecessor wait) is scheduled.</summary>
    public async Task<TaskSnapshot> ExecuteAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var snapshot = await ApplyAsync(taskId, (s, data, now) =>
        {
            if (s.Task.Status != TaskState.Created)
            {
                throw Refused(ConflictKind.ExecuteNotAllowed, AgentTaskCommand.Execute, s.Task, data);
            }

            return new TaskUpdate(s.Task with { Status = TaskState.InProgress, Generation = s.Task.Generation + 1, UpdatedAt = now });
        }, cancellationToken);
        await ScheduleEngineWorkAsync(snapshot, cancellationToken);
        LogExecuted(taskId);
        return snapshot;
    }

    public Task<TaskSnapshot> UpdateAsync(Guid taskId, AgentTaskEdit edit, CancellationToken cancellationToken) =>
        ApplyAsync(taskId, (s, data, now) =>
        {
            if (s.Task.Status.IsFinished())
            {
                throw Refused(ConflictKind.EditNotAllowed, AgentTaskCommand.Edit, s.Task, data);
            }

            if (edit.Progress is not null && data.Kind != AgentTaskKind.Agent)
            {
                throw new InvalidRequestException("progress", "The progress of a planned task comes from its steps; only an agent-driven task's progress can be set.")
                {
                    Rule = RequestRule.ProgressComesFromSteps,
                };
            }

            var changed = data.WithFields(edit.Fields) with
            {
                PartData = edit.PartData ?? data.PartData,
                Info = edit.Info ?? data.Info,
                Progress = edit.Progress ?? data.Progress,
                EstimatedCompletionAt = edit.EstimatedCompletionAt ?? data.EstimatedCompletionAt,
            };
            return new TaskUpdate(With(s.Task, changed, now) with { Progress = edit.Progress ?? s.Task.Progress });
        }, cancellationToken);

    /// <summary>Deletes a task that is not running (created, ready or finished) with its steps and history.</summary>
    public async Task DeleteAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var deleted = await ApplyAsync(taskId, (s, data, _) =>
        {
            var phase = data.PhaseOf(s.Task);
            if (phase is AgentTaskPhase.Executing or AgentTaskPhase.Scheduled)
            {
                throw Refused(ConflictKind.DeleteNotAllowed, AgentTaskCommand.Delete, s.Task, data);
            }

            return new TaskUpdate { DeletesTask = true };
        }, cancellationToken);
        await mutation.ReleaseRunAsync(deleted); // a failed task's orchestration may still wait for a retry
        LogDeleted(taskId);
    }

    /// <summary>
    /// Read → check → write on one of these tasks (404 for a task of another origin). The write is recorded in the audit
    /// trail under the calling command's name (AckAsync → "ack") unless the decision names its own (retry, cancel, complete-step).
    /// </summary>
    private Task<TaskSnapshot> ApplyAsync(
        Guid taskId, Func<TaskSnapshot, AgentTaskData, DateTimeOffset, TaskUpdate> decide, CancellationToken cancellationToken,
        [System.Runtime.CompilerServices.CallerMemberName] string command = "")
    {
        var operation = OperationName(command);
        return mutation.ApplyAsync(taskId, (s, now) => IsOurs(s.Task)
            ? decide(s, AgentTaskData.Of(s.Task), now) is var update && update.Operation is null ? update with { Operation = operation } : update
            : throw NotFound(taskId), cancellationToken);
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
    /// Hands the task to the runner when the engine has work: predecessors to wait for, plan steps, parts.
    /// An agent-driven task whose agent step is next needs no runner: the agent drives it through the API.
    /// </summary>
    private async Task ScheduleEngineWorkAsync(TaskSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.Task.Status != TaskState.InProgress || snapshot.NextRunnableStep is not { } next)
        {
            return;
        }

        if (AgentTaskData.Of(snapshot.Task).Kind == AgentTaskKind.Agent && AgentTaskData.IsAgentStep(next))
        {
            return;
        }

        await mutation.ScheduleAsync(snapshot, cancellationToken);
    }

    private async Task<TaskSnapshot> InsertAsync(
        Guid id, string type, string name, AgentTaskData data, IReadOnlyList<NewStep>? plan, bool start, CancellationToken cancellationToken, bool schedule = true)
    {
        var now = mutation.Time.GetUtcNow();
        id = id == Guid.Empty ? TaskIds.NewTaskId(mutation.Time) : id;
        var work = new List<NewStep>();
        if (data.AwaitsPredecessors)
        {
            work.Add(AwaitStep(AgentTaskData.StepPredecessors, data.PredecessorIds!.Select(Guid.Parse)));
        }

        work.AddRange(plan ?? [new NewStep(AgentTaskData.StepAgent, ExternalStepAction.ActionName, profile.AgentStepDescription, null)]);
        var task = new TaskRecord
        {
            Id = id,
            Name = name,
            Type = type,
            Status = start ? TaskState.InProgress : TaskState.Created,
            CreatedAt = now,
            UpdatedAt = now,
            StepCount = work.Count,
            Generation = start ? 1 : 0,
            Origin = profile.Origin,
            Extensions = data.ToJson(),
        };
        var snapshot = await CreateTaskHandler.InsertAsync(store, task, work.Select((s, i) => s.ToPendingStep(id, i, now)).ToList(), cancellationToken);
        if (start && schedule)
        {
            await ScheduleEngineWorkAsync(snapshot, cancellationToken);
        }

        return snapshot;
    }

    private NewStep AwaitStep(string name, IEnumerable<Guid> ids) => new(
        name,
        AwaitTasksStepAction.ActionName,
        name == AgentTaskData.StepParts ? profile.PartsStepDescription : profile.PredecessorsStepDescription,
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
            throw new InvalidRequestException("predecessorIds", $"A task may have at most {MaxPredecessors} predecessors; {given.Count} were given.")
            {
                Rule = RequestRule.TooManyPredecessors,
                Limit = MaxPredecessors,
                Count = given.Count,
            };
        }

        for (var i = 0; i < given.Count; i++)
        {
            if (!TaskIds.TryParse(given[i], out var id) || !TaskIds.IsTaskId(id) || !IsOurs(await store.GetTaskAsync(id, cancellationToken)))
            {
                throw new InvalidRequestException($"predecessorIds[{i}]", $"predecessorIds[{i}] '{given[i]}' names no task of origin '{profile.Origin}'.")
                {
                    Rule = RequestRule.UnknownPredecessor,
                    Value = given[i],
                };
            }

            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private bool IsOurs(TaskRecord? task) => task is not null && task.Origin == profile.Origin;

    private static TaskRecord With(TaskRecord task, AgentTaskData data, DateTimeOffset now) => task with { Extensions = data.ToJson(), UpdatedAt = now };

    /// <summary>The refusal of a command, with the task's kind and phase; the dialect words it.</summary>
    private static TaskConflictException Refused(
        ConflictKind kind, AgentTaskCommand command, TaskRecord task, AgentTaskData data, TaskStep? step = null, string? ackedBy = null)
    {
        var phase = data.PhaseOf(task);
        return new TaskConflictException(kind, $"{command} refused: the {data.Kind} task is {phase}" + (step is null ? "." : $" and its step '{step.Name}' is {step.Status}."))
        {
            TaskState = task.Status,
            StepState = step?.Status,
            StepName = step?.Name,
            StepAction = step?.Action,
            Agent = new AgentTaskRefusal(command, data.Kind, phase, ackedBy),
        };
    }

    private static TaskNotFoundException NotFound(Guid taskId) => new(NotFoundKind.Task, taskId.ToString());

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId} created: {Type}/{Name}, {Kind}, started {Started}")]
    private partial void LogCreated(Guid taskId, string type, string name, AgentTaskKind kind, bool started);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId} executed")]
    private partial void LogExecuted(Guid taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId} deleted")]
    private partial void LogDeleted(Guid taskId);
}
