using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;

namespace FuncTasks.Api.Vcf;

/// <summary>The VCF Error object (every error body of this dialect, and the errors of a task).</summary>
public sealed record VcfError(
    string ErrorCode,
    string ErrorType,
    string Message,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Context,
    string? RemediationMessage,
    IReadOnlyList<VcfErrorCause> Causes,
    IReadOnlyList<VcfError> NestedErrors,
    string? ReferenceToken = null);
