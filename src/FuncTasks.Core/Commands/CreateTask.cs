using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Commands;

public sealed record NewStep(string? Name, string? Action, string? Description, IReadOnlyDictionary<string, ParamValue>? Params);

/// <param name="Start">False keeps the task Created until it is executed (a manual Flatfile job).</param>
public sealed record CreateTask(
    string? Name,
    string? Type,
    string? Description,
    IReadOnlyList<NewStep>? Steps,
    bool Start = true,
    string Origin = "tasks",
    string? Extensions = null);

public sealed class CreateTaskHandler(ITaskStore store, TaskMutation mutation, StepActionRegistry actions, IOptions<EngineOptions> options)
{
    public const int MaxNameLength = 256;
    public const int MaxDescriptionLength = 4096;

    public async Task<TaskSnapshot> HandleAsync(CreateTask command, CancellationToken cancellationToken)
    {
        Validate(command);
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
        var steps = command.Steps!.Select((s, i) => new TaskStep
        {
            TaskId = id,
            Index = i,
            Name = s.Name!.Trim(),
            Action = s.Action!.Trim().ToLowerInvariant(),
            Description = s.Description,
            Params = s.Params ?? StepParams.Empty,
            Status = StepState.Pending,
            CreatedAt = now,
        }).ToList();

        var snapshot = await store.CreateAsync(task, steps, cancellationToken);
        if (command.Start)
        {
            await mutation.ScheduleAsync(snapshot, cancellationToken);
        }

        return snapshot;
    }

    public void Validate(CreateTask command)
    {
        if (string.IsNullOrWhiteSpace(command.Name))
        {
            throw new InvalidRequestException("name", "The task needs a 'name'.");
        }

        if (command.Name.Length > MaxNameLength)
        {
            throw new InvalidRequestException("name", $"The task 'name' must be at most {MaxNameLength} characters.");
        }

        if (command.Description is { Length: > MaxDescriptionLength })
        {
            throw new InvalidRequestException("description", $"The task 'description' must be at most {MaxDescriptionLength} characters.");
        }

        if (command.Type is { Length: > MaxNameLength })
        {
            throw new InvalidRequestException("type", $"The task 'type' must be at most {MaxNameLength} characters.");
        }

        if (command.Steps is null || command.Steps.Count == 0)
        {
            throw new InvalidRequestException("steps", "The task needs 'steps': at least one {name, action, params}.");
        }

        var max = options.Value.MaxSteps;
        if (command.Steps.Count > max)
        {
            throw new InvalidRequestException("steps", $"A task may have at most {max} steps; this one has {command.Steps.Count}.");
        }

        for (var i = 0; i < command.Steps.Count; i++)
        {
            var step = command.Steps[i];
            if (step is null)
            {
                throw new InvalidRequestException($"steps[{i}]", $"steps[{i}] must be an object {{name, action, params}}.");
            }

            if (string.IsNullOrWhiteSpace(step.Name) || step.Name.Length > MaxNameLength)
            {
                throw new InvalidRequestException($"steps[{i}].name", $"steps[{i}] needs a 'name' of 1 to {MaxNameLength} characters.");
            }

            if (step.Description is { Length: > MaxDescriptionLength })
            {
                throw new InvalidRequestException($"steps[{i}].description", $"steps[{i}] 'description' must be at most {MaxDescriptionLength} characters.");
            }

            ValidateStep(step.Action, step.Params ?? StepParams.Empty, $"steps[{i}]");
        }
    }

    /// <summary>Checks that the action exists and the parameters fit their types and the action.</summary>
    public void ValidateStep(string? actionName, IReadOnlyDictionary<string, ParamValue> parameters, string field)
    {
        var action = string.IsNullOrWhiteSpace(actionName) ? null : actions.Find(actionName.Trim());
        if (action is null)
        {
            throw new InvalidRequestException($"{field}.action",
                $"{field}: unknown action '{actionName}'. Known actions: {string.Join(", ", actions.Names.Order())}.");
        }

        ParamsSize.Check(parameters, $"{field}.params", field);

        var problem = StepParams.Problems(parameters).Concat(action.Validate(parameters)).FirstOrDefault();
        if (problem is not null)
        {
            throw new InvalidRequestException($"{field}.params", $"{field}: {problem}");
        }
    }
}
