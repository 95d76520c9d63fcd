using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;

namespace FuncTasks.Api.Vcf;

/// <summary>The VMware Cloud Foundation Task (see reference/vcf-tasks-openapi-subset.json).</summary>
public sealed record VcfTask(
    string Id,
    string Name,
    string Type,
    string Status,
    string CreationTimestamp,
    string? CompletionTimestamp,
    IReadOnlyList<VcfSubTask>? SubTasks,
    IReadOnlyList<VcfError> Errors,
    string? ResolutionStatus,
    bool IsCancellable,
    bool IsRetryable)
{
    /// <summary>The task's default retry policy for its steps (FuncTasks' addition; absent when none was given).</summary>
    public RetryContract? Retry { get; init; }
}
