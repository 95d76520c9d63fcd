using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Commands;

/// <summary>The rules a new task and its steps must meet, shared by every command that creates or changes steps.</summary>
public sealed class TaskValidation(StepActionRegistry actions, IOptions<EngineOptions> options)
{
    public const int MaxNameLength = 256;
    public const int MaxDescriptionLength = 4096;

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

        ValidateRetry(command.Retry, "retry");
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
            ValidateRetry(step.Retry, $"steps[{i}].retry");
            ValidateTimeout(step.TimeoutSeconds, $"steps[{i}].timeoutSeconds");
        }
    }

    /// <summary>Longest <c>timeoutSeconds</c> a step may have (7 days).</summary>
    public const int MaxTimeoutSeconds = 604_800;

    /// <summary>A retry policy's values: <c>maxAttempts</c> 1 to the cap, intervals not negative, <c>backoffRate</c> at least 1, known error classes.</summary>
    public static void ValidateRetry(StepRetryPolicy? retry, string field)
    {
        if (retry?.Problem() is { } problem)
        {
            throw new InvalidRequestException($"{field}.{problem.Field}", $"{field}: {problem.Message}");
        }
    }

    public static void ValidateTimeout(int? timeoutSeconds, string field)
    {
        if (timeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            throw new InvalidRequestException(field, $"'{field}' must be a whole number of seconds from 1 to {MaxTimeoutSeconds}.");
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
