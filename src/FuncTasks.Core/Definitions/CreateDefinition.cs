using System.Text.Json;
using System.Text.Json.Serialization;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Definitions;

/// <summary>A definition to store: its steps' parameters may be inputs (a type without a value) given at start.</summary>
/// <param name="Type">The type of the tasks started from it (a dialect gives its default when the client gave none).</param>
public sealed record CreateDefinition(string? Name, string? Type, string? Description, IReadOnlyList<NewStep>? Steps);

/// <summary>
/// Stores a task definition. Step names must be unique (start parameters can address one step as
/// <c>stepName.param</c>); a step without inputs is checked against its action now, one with inputs at start.
/// </summary>
public sealed class CreateDefinitionHandler(
    IDefinitionStore store, TaskValidation validation, StepActionRegistry actions, TimeProvider time, IOptions<EngineOptions> options)
{
    public async Task<TaskDefinition> HandleAsync(CreateDefinition command, CancellationToken cancellationToken)
    {
        Validate(command);
        var now = time.GetUtcNow();
        var definition = new TaskDefinition
        {
            Id = Guid.CreateVersion7(now),
            Name = command.Name!.Trim(),
            Type = (command.Type ?? string.Empty).Trim(),
            Description = command.Description,
            CreatedAt = now,
            Steps = command.Steps!.Select(s => new DefinitionStep(
                s.Name!.Trim(), s.Action!.Trim().ToLowerInvariant(), s.Description, s.Params ?? StepParams.Empty)
            {
                Retry = s.Retry,
                TimeoutSeconds = s.TimeoutSeconds,
            }).ToList(),
        };
        return await store.CreateAsync(definition, cancellationToken);
    }

    private void Validate(CreateDefinition command)
    {
        if (string.IsNullOrWhiteSpace(command.Name) || command.Name.Length > TaskValidation.MaxNameLength)
        {
            throw new InvalidRequestException("name", $"The workflow needs a 'name' of 1 to {TaskValidation.MaxNameLength} characters.");
        }

        if (command.Type is { Length: > TaskValidation.MaxNameLength })
        {
            throw new InvalidRequestException("type", $"The workflow 'type' must be at most {TaskValidation.MaxNameLength} characters.");
        }

        if (command.Description is { Length: > TaskValidation.MaxDescriptionLength })
        {
            throw new InvalidRequestException("description", $"The workflow 'description' must be at most {TaskValidation.MaxDescriptionLength} characters.");
        }

        if (command.Steps is null || command.Steps.Count == 0)
        {
            throw new InvalidRequestException("steps", "The workflow needs 'steps': at least one {name, action, params}.");
        }

        var max = options.Value.MaxSteps;
        if (command.Steps.Count > max)
        {
            throw new InvalidRequestException("steps", $"A workflow may have at most {max} steps; this one has {command.Steps.Count}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < command.Steps.Count; i++)
        {
            var step = command.Steps[i];
            var field = $"steps[{i}]";
            if (step is null)
            {
                throw new InvalidRequestException(field, $"{field} must be an object {{name, action, params}}.");
            }

            if (string.IsNullOrWhiteSpace(step.Name) || step.Name.Length > TaskValidation.MaxNameLength)
            {
                throw new InvalidRequestException($"{field}.name", $"{field} needs a 'name' of 1 to {TaskValidation.MaxNameLength} characters.");
            }

            if (step.Description is { Length: > TaskValidation.MaxDescriptionLength })
            {
                throw new InvalidRequestException($"{field}.description", $"{field} 'description' must be at most {TaskValidation.MaxDescriptionLength} characters.");
            }

            if (!names.Add(step.Name.Trim()))
            {
                throw new InvalidRequestException($"{field}.name", $"{field}: another step is already named '{step.Name.Trim()}'; step names must be unique in a workflow.");
            }

            TaskValidation.ValidateRetry(step.Retry, $"{field}.retry");
            TaskValidation.ValidateTimeout(step.TimeoutSeconds, $"{field}.timeoutSeconds");
            var parameters = step.Params ?? StepParams.Empty;
            var values = parameters.Where(p => !DefinitionParams.IsInput(p.Value)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            if (values.Count == parameters.Count)
            {
                validation.ValidateStep(step.Action, parameters, field);
            }
            else
            {
                // Inputs are filled at start, where the whole step is checked against its action.
                if (string.IsNullOrWhiteSpace(step.Action) || actions.Find(step.Action.Trim()) is null)
                {
                    throw new InvalidRequestException($"{field}.action",
                        $"{field}: unknown action '{step.Action}'. Known actions: {string.Join(", ", actions.Names.Order())}.");
                }

                if (StepParams.Problems(values).FirstOrDefault() is { } problem)
                {
                    throw new InvalidRequestException($"{field}.params", $"{field}: {problem}");
                }
            }

            ParamsSize.Check(parameters, $"{field}.params", field);
        }
    }
}
