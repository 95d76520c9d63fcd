using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;

namespace FuncTasks.Api.Vcf;

/// <summary>The body of <c>POST /v1/tasks</c> (documentation shape; the handler parses it by hand for precise errors).</summary>
public sealed record VcfCreateTaskRequest(
    string Name,
    string Type,
    string? Description,
    IReadOnlyList<VcfCreateStep> Steps,
    RetryContract? Retry = null);
