using System.Text.Json;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Workflows;

/// <param name="Params">
/// Start parameters. A plain name (<c>url</c>) applies to every step that declares that parameter, filling an
/// input or replacing the default; <c>stepName.param</c> applies to that one step only (and may add a parameter
/// it does not declare). A step-qualified value wins over a plain one.
/// </param>
public sealed record StartProcess(Guid WorkflowId, IReadOnlyDictionary<string, ParamValue>? Params, Guid? Id = null)
{
    /// <summary>The process's default retry policy, for its steps whose workflow step has none.</summary>
    public StepRetryPolicy? Retry { get; init; }
}

/// <summary>Starts a process (a task with origin <c>process</c>) from a stored workflow definition.</summary>
public sealed class StartProcessHandler(IWorkflowStore workflows, CreateTaskHandler create, TaskValidation validation)
{
    public const string Origin = "process";

    public async Task<(WorkflowDefinition Workflow, TaskSnapshot Process)> HandleAsync(StartProcess command, CancellationToken cancellationToken)
    {
        var workflow = await workflows.GetAsync(command.WorkflowId, cancellationToken)
            ?? throw new TaskNotFoundException("Workflow", command.WorkflowId.ToString());
        var steps = Resolve(workflow, command.Params ?? StepParams.Empty);
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

        var extensions = JsonSerializer.Serialize(new ProcessExtensions(workflow.Id));
        var snapshot = await create.HandleAsync(
            new CreateTask(workflow.Name, workflow.Type, workflow.Description, steps, Start: true, Origin: Origin, Extensions: extensions, Id: command.Id)
            {
                Retry = command.Retry,
            },
            cancellationToken);
        return (workflow, snapshot);
    }

    /// <summary>The workflow a process was started from, kept in the task's extensions; null for other tasks.</summary>
    public static Guid? WorkflowIdOf(TaskRecord task)
    {
        if (task.Origin != Origin || string.IsNullOrEmpty(task.Extensions))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ProcessExtensions>(task.Extensions)?.WorkflowId;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static List<NewStep> Resolve(WorkflowDefinition workflow, IReadOnlyDictionary<string, ParamValue> given)
    {
        var values = workflow.Steps.Select(s => new Dictionary<string, ParamValue>(s.Params, StringComparer.Ordinal)).ToList();
        var qualified = new List<(int Step, string Name, string Key, ParamValue Value)>();
        foreach (var (key, value) in given)
        {
            var declaring = Enumerable.Range(0, workflow.Steps.Count).Where(i => workflow.Steps[i].Params.ContainsKey(key)).ToList();
            if (declaring.Count > 0)
            {
                foreach (var i in declaring)
                {
                    values[i][key] = Checked(workflow.Steps[i], key, key, value);
                }

                continue;
            }

            var dot = key.LastIndexOf('.');
            var stepIndex = dot > 0 ? IndexOf(workflow, key[..dot]) : -1;
            if (stepIndex < 0 || dot == key.Length - 1)
            {
                var declared = workflow.Steps.SelectMany(s => s.Params.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                throw new InvalidRequestException($"params.{key}",
                    $"No step of workflow '{workflow.Name}' declares a parameter '{key}'" +
                    (declared.Count == 0 ? "" : $" (declared: {string.Join(", ", declared)})") +
                    "; to give one step a parameter it does not declare, name it 'stepName.parameter'.");
            }

            qualified.Add((stepIndex, key[(dot + 1)..], key, value));
        }

        foreach (var (i, name, key, value) in qualified)
        {
            values[i][name] = Checked(workflow.Steps[i], name, key, value);
        }

        for (var i = 0; i < workflow.Steps.Count; i++)
        {
            var step = workflow.Steps[i];
            if (values[i].FirstOrDefault(p => WorkflowParams.IsInput(p.Value)) is { Key: { } missing } input)
            {
                throw new InvalidRequestException("params",
                    $"Step '{step.Name}' needs parameter '{missing}' ({input.Value.Type}); give it in 'params' as '{missing}' or '{step.Name}.{missing}'.");
            }
        }

        return workflow.Steps.Select((s, i) => new NewStep(s.Name, s.Action, s.Description, values[i]) { Retry = s.Retry, TimeoutSeconds = s.TimeoutSeconds }).ToList();
    }

    private static ParamValue Checked(WorkflowStep step, string name, string key, ParamValue value)
    {
        if (step.Params.TryGetValue(name, out var declared) && declared.Type != value.Type)
        {
            throw new InvalidRequestException($"params.{key}",
                $"Parameter '{key}' is declared {declared.Type} by step '{step.Name}'; the start value has type {value.Type}.");
        }

        return value;
    }

    private static int IndexOf(WorkflowDefinition workflow, string stepName)
    {
        for (var i = 0; i < workflow.Steps.Count; i++)
        {
            if (string.Equals(workflow.Steps[i].Name, stepName, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private sealed record ProcessExtensions(Guid WorkflowId);
}
