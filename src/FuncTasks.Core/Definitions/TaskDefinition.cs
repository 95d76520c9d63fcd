using FuncTasks.Core.Model;

namespace FuncTasks.Core.Definitions;

/// <summary>
/// A stored definition of a task: ordered steps with typed parameters. A parameter declared with a type
/// but no value is an input that <see cref="StartFromDefinitionHandler"/> must be given when a task starts from it.
/// </summary>
public sealed record TaskDefinition
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string Type { get; init; }
    public required IReadOnlyList<DefinitionStep> Steps { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? ETag { get; init; }
}

public sealed record DefinitionStep(string Name, string Action, string? Description, IReadOnlyDictionary<string, ParamValue> Params)
{
    /// <summary>The step's retry policy, given to every task started from the definition.</summary>
    public StepRetryPolicy? Retry { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>The declared parameters that have no value yet (inputs to give at start).</summary>
    public IEnumerable<string> Inputs => Params.Where(p => DefinitionParams.IsInput(p.Value)).Select(p => p.Key);
}
