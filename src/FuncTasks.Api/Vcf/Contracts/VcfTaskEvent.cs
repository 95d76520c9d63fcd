using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.Vcf;

/// <summary>
/// One entry of a task's audit trail in the VCF dialect (<c>GET /v1/tasks/{id}/events</c>; FuncTasks' addition: the
/// SDDC Manager schema has no audit endpoint). <c>actor</c> is the API key's name, or <c>engine</c> for the runner.
/// </summary>
public sealed record VcfTaskEvent(
    int Sequence,
    string Timestamp,
    string Actor,
    string? Operation,
    string Kind,
    string? SubTaskId,
    string? SubTaskName,
    string? FromStatus,
    string? ToStatus,
    IReadOnlyDictionary<string, ParamContract?>? Params,
    IReadOnlyList<string>? Fields,
    string? Message);
