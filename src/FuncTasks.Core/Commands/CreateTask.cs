using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Commands;

public sealed record NewStep(string? Name, string? Action, string? Description, IReadOnlyDictionary<string, ParamValue>? Params)
{
    /// <summary>The step row of a validated new step: pending, names trimmed, action lower-case.</summary>
    public TaskStep ToPendingStep(Guid taskId, int index, DateTimeOffset now) => new()
    {
        TaskId = taskId,
        Index = index,
        Name = Name!.Trim(),
        Action = Action!.Trim().ToLowerInvariant(),
        Description = Description,
        Params = Params ?? StepParams.Empty,
        Status = StepState.Pending,
        CreatedAt = now,
    };
}

/// <param name="Start">False keeps the task Created until it is executed (a manual Flatfile job).</param>
public sealed record CreateTask(
    string? Name,
    string? Type,
    string? Description,
    IReadOnlyList<NewStep>? Steps,
    bool Start = true,
    string Origin = "tasks",
    string? Extensions = null);

public sealed class CreateTaskHandler(ITaskStore store, TaskMutation mutation, TaskValidation validation)
{
    public async Task<TaskSnapshot> HandleAsync(CreateTask command, CancellationToken cancellationToken)
    {
        validation.Validate(command);
        var now = mutation.Time.GetUtcNow();
        var id = TaskIds.NewTaskId(mutation.Time);
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
        };
        var steps = command.Steps!.Select((s, i) => s.ToPendingStep(id, i, now)).ToList();

        var snapshot = await store.CreateAsync(task, steps, cancellationToken);
        if (command.Start)
        {
            await mutation.ScheduleAsync(snapshot, cancellationToken);
        }

        return snapshot;
    }
}
