using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.Vcf;

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
