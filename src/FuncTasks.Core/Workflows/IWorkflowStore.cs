using FuncTasks.Core.Model;

namespace FuncTasks.Core.Workflows;

/// <summary>
/// A stored process definition: ordered steps with typed parameters. A parameter declared with a type
/// but no value is an input that <see cref="StartProcessHandler"/> must be given when a process starts.
/// </summary>
public sealed record WorkflowDefinition
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string Type { get; init; }
    public required IReadOnlyList<WorkflowStep> Steps { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? ETag { get; init; }
}

public sealed record WorkflowStep(string Name, string Action, string? Description, IReadOnlyDictionary<string, ParamValue> Params)
{
    /// <summary>The step's retry policy, given to every process started from the workflow.</summary>
    public StepRetryPolicy? Retry { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>The declared parameters that have no value yet (inputs to give at start).</summary>
    public IEnumerable<string> Inputs => Params.Where(p => WorkflowParams.IsInput(p.Value)).Select(p => p.Key);
}

public static class WorkflowParams
{
    /// <summary>A parameter with a type and no value: an input the start request fills.</summary>
    public static bool IsInput(ParamValue value) => value is { StrValue: null, LongValue: null, DoubleValue: null };

    public static ParamValue Input(ParamType type) => new(type);
}

/// <summary>Durable storage of workflow definitions (one partition per workflow, ETag'd rows).</summary>
public interface IWorkflowStore
{
    /// <summary>Inserts a new definition; returns it with its ETag.</summary>
    Task<WorkflowDefinition> CreateAsync(WorkflowDefinition workflow, CancellationToken cancellationToken);

    /// <summary>Point read; null when it does not exist.</summary>
    Task<WorkflowDefinition?> GetAsync(Guid workflowId, CancellationToken cancellationToken);
}
