using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;

namespace FuncTasks.Api.Vcf;

/// <summary>A step as a VCF SubTask, with its step <c>id</c> (usable as a processStepId).</summary>
public sealed record VcfSubTask(
    string Id,
    string Name,
    string Type,
    string Description,
    string Status,
    string CreationTimestamp,
    string? CompletionTimestamp,
    IReadOnlyList<VcfError> Errors)
{
    /// <summary>The step's own retry policy (FuncTasks' addition; absent when it has none).</summary>
    public RetryContract? Retry { get; init; }

    /// <summary>The step's time limit per attempt, in seconds (FuncTasks' addition).</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>While the step waits to be tried again after a failure: when its next attempt is due (FuncTasks' addition).</summary>
    public string? NextAttemptAt { get; init; }
}
