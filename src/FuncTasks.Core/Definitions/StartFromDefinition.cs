using System.Text.Json;
using System.Text.Json.Serialization;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Definitions;

/// <param name="Params">
/// Start parameters. A plain name (<c>url</c>) applies to every step that declares that parameter, filling an
/// input or replacing the default; <c>stepName.param</c> applies to that one step only (and may add a parameter
/// it does not declare). A step-qualified value wins over a plain one.
/// </param>
/// <param name="Origin">The origin of the new task (the dialect's: an opaque string to the engine).</param>
public sealed record StartFromDefinition(Guid DefinitionId, IReadOnlyDictionary<string, ParamValue>? Params, string Origin, Guid? Id = null)
{
    /// <summary>The started task's default retry policy, for its steps whose definition step has none.</summary>
    public StepRetryPolicy? Retry { get; init; }
}

/// <summary>Starts a task from a stored definition; the task keeps the definition's id in its extensions.</summary>
public sealed class StartFromDefinitionHandler(IDefinitionStore definitions, CreateTaskHandler create, TaskValidation validation)
{
    public async Task<(TaskDefinition Definition, TaskSnapshot Task)> HandleAsync(StartFromDefinition command, CancellationToken cancellationToken)
    {
        var definition = await definitions.GetAsync(command.DefinitionId, cancellationToken)
            ?? throw new TaskNotFoundException(NotFoundKind.Definition, command.DefinitionId.ToString());
        var steps = Resolve(definition, command.Params ?? StepParams.Empty);
        foreach (var step in steps)
        {
            try
            {
                validation.ValidateStep(step.Action, step.Params!, $"Step '{step.Name}'");
            }
            catch (InvalidRequestException invalid)
            {
                throw new InvalidRequestException("params", invalid.Message);
            }
        }

        var extensions = JsonSerializer.Serialize(new DefinitionExtensions(definition.Id));
        var snapshot = await create.HandleAsync(
            new CreateTask(definition.Name, definition.Type, definition.Description, steps, Start: true, Origin: command.Origin, Extensions: extensions, Id: command.Id)
            {
                Retry = command.Retry,
            },
            cancellationToken);
        return (definition, snapshot);
    }

    /// <summary>The definition a task was started from, kept in its extensions; null when it cannot be read (ask only of tasks started so).</summary>
    public static Guid? DefinitionIdOf(TaskRecord task)
    {
        if (string.IsNullOrEmpty(task.Extensions))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DefinitionExtensions>(task.Extensions)?.DefinitionId;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static List<NewStep> Resolve(TaskDefinition definition, IReadOnlyDictionary<string, ParamValue> given)
    {
        var values = definition.Steps.Select(s => new Dictionary<string, ParamValue>(s.Params, StringComparer.Ordinal)).ToList();
        var qualified = new List<(int Step, string Name, string Key, ParamValue Value)>();
        foreach (var (key, value) in given)
        {
            var declaring = Enumerable.Range(0, definition.Steps.Count).Where(i => definition.Steps[i].Params.ContainsKey(key)).ToList();
            if (declaring.Count > 0)
            {
                foreach (var i in declaring)
                {
                    values[i][key] = Checked(definition.Steps[i], key, key, value);
                }

                continue;
            }

            var dot = key.LastIndexOf('.');
            var stepIndex = dot > 0 ? IndexOf(definition, key[..dot]) : -1;
            if (stepIndex < 0 || dot == key.Length - 1)
            {
                var declared = definition.Steps.SelectMany(s => s.Params.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                throw new InvalidRequestException($"params.{key}",
                    $"No step of workflow '{definition.Name}' declares a parameter '{key}'" +
                    (declared.Count == 0 ? "" : $" (declared: {string.Join(", ", declared)})") +
                    "; to give one step a parameter it does not declare, name it 'stepName.parameter'.");
            }

            qualified.Add((stepIndex, key[(dot + 1)..], key, value));
        }

        foreach (var (i, name, key, value) in qualified)
        {
            values[i][name] = Checked(definition.Steps[i], name, key, value);
        }

        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            if (values[i].FirstOrDefault(p => DefinitionParams.IsInput(p.Value)) is { Key: { } missing } input)
            {
                throw new InvalidRequestException("params",
                    $"Step '{step.Name}' needs parameter '{missing}' ({input.Value.Type}); give it in 'params' as '{missing}' or '{step.Name}.{missing}'.");
            }
        }

        return definition.Steps.Select((s, i) => new NewStep(s.Name, s.Action, s.Description, values[i]) { Retry = s.Retry, TimeoutSeconds = s.TimeoutSeconds }).ToList();
    }

    private static ParamValue Checked(DefinitionStep step, string name, string key, ParamValue value)
    {
        if (step.Params.TryGetValue(name, out var declared) && declared.Type != value.Type)
        {
            throw new InvalidRequestException($"params.{key}",
                $"Parameter '{key}' is declared {declared.Type} by step '{step.Name}'; the start value has type {value.Type}.");
        }

        return value;
    }

    private static int IndexOf(TaskDefinition definition, string stepName)
    {
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            if (string.Equals(definition.Steps[i].Name, stepName, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Stored as <c>{"WorkflowId": "…"}</c>, as it always was.</summary>
    private sealed record DefinitionExtensions([property: JsonPropertyName("WorkflowId")] Guid DefinitionId);
}
