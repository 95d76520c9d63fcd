using FuncTasks.Api.Common;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.Tasks;

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

/// <summary>The audit trail of a task, oldest first.</summary>
public sealed record VcfTaskEvents(IReadOnlyList<VcfTaskEvent> Elements);

public static class VcfEvents
{
    public static VcfTaskEvents ToEvents(Guid taskId, IReadOnlyList<TaskEvent> events) => new(events.Select(e => ToEvent(taskId, e)).ToList());

    public static VcfTaskEvent ToEvent(Guid taskId, TaskEvent e) => new(
        e.Sequence,
        Wire.Time(e.At)!,
        e.Actor,
        e.Operation,
        AuditWire.Kind(e.Kind),
        e.StepIndex is { } index ? TaskIds.StepId(taskId, index).ToString() : null,
        e.StepName,
        AuditWire.Status(e, e.From, VcfDialect.Status, VcfDialect.Status),
        AuditWire.Status(e, e.To, VcfDialect.Status, VcfDialect.Status),
        e.Params?.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            p => p.Key, p => p.Value is { } v ? new ParamContract(v.StrValue, v.LongValue, v.DoubleValue, v.Type.ToString()) : null, StringComparer.Ordinal),
        e.Fields,
        e.Message);
}
