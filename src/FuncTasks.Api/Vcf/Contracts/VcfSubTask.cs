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
    IReadOnlyList<VcfError> Errors);
