using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Commands;

/// <param name="Start">False keeps the task Created until it is executed.</param>
/// <param name="Origin">The dialect's origin for the task (opaque to the engine).</param>
/// <param name="Id">The id to create it under (reserved by an idempotency key); a new one when null.</param>
public sealed record CreateTask(
    string? Name,
    string? Type,
    string? Description,
    IReadOnlyList<NewStep>? Steps,
    bool Start = true,
    string Origin = TaskRecord.DefaultOrigin,
    string? Extensions = null,
    Guid? Id = null)
{
    /// <summary>The default retry policy of the task's steps.</summary>
    public StepRetryPolicy? Retry { get; init; }
}

public sealed class CreateTaskHandler(ITaskStore store, TaskMutation mutation, TaskValidation validation)
{
    public async Task<TaskSnapshot> HandleAsync(CreateTask command, CancellationToken cancellationToken)
    {
        validation.Validate(command);
        var now = mutation.Time.GetUtcNow();
        var id = command.Id ?? TaskIds.NewTaskId(mutation.Time);
        var task = new TaskRecord
        {
            Id = id,
            Name = command.Name!.Trim(),
            Type = string.IsNullOrWhiteSpace(command.Type) ? "TASK" : command.Type.Trim(),
            Description = command.Description,
            Status = command.Start ? TaskState.InProgress : TaskState.Created,
            CreatedAt = now,
            UpdatedAt = now,
            StepCount = command.Steps!.Count,
            Generation = command.Start ? 1 : 0,
            Origin = command.Origin,
            Extensions = command.Extensions,
            Retry = command.Retry,
        };
        var steps = command.Steps!.Select((s, i) => s.ToPendingStep(id, i, now)).ToList();

        var snapshot = await InsertAsync(store, task, steps, cancellationToken);
        if (command.Start)
        {
            await mutation.ScheduleAsync(snapshot, cancellationToken);
        }

        return snapshot;
    }

    /// <summary>
    /// Inserts a new task. Its id is fresh, or reserved for this request alone by its idempotency key, so when the
    /// store says it exists already, the row is this request's own insert that landed before the SDK retried it
    /// (the response was lost): that is success, not a conflict.
    /// </summary>
    public static async Task<TaskSnapshot> InsertAsync(ITaskStore store, TaskRecord task, IReadOnlyList<TaskStep> steps, CancellationToken cancellationToken)
    {
        try
        {
            // Not cancellable once sent (see TaskMutation.ApplyAsync): an insert that landed unknown would be a task
            // in progress that nothing runs.
            return await store.CreateAsync(task, steps, CancellationToken.None);
        }
        catch (TaskAlreadyExistsException exists)
        {
            return await store.GetAsync(task.Id, includeAttempts: false, cancellationToken)
                ?? throw new ConcurrencyConflictException($"Task {task.Id} was reported as existing but cannot be read.", exists);
        }
    }
}
