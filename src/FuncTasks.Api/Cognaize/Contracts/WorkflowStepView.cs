namespace FuncTasks.Api.Cognaize;

public sealed record WorkflowStepView(string Name, string Action, string? Description, IReadOnlyDictionary<string, ProcessParam> Params)
{
    /// <summary>The step's retry policy (absent when it has none).</summary>
    public WireFormat.RetryContract? Retry { get; init; }

    public int? TimeoutSeconds { get; init; }
}
