using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.Cognaize;

public static class CognaizeEvents
{
    public static IReadOnlyList<ProcessEventView> ToViews(Guid processId, IReadOnlyList<TaskEvent> events) => events.Select(e => new ProcessEventView(
        e.Sequence,
        Wire.Time(e.At)!,
        e.Actor,
        e.Operation,
        AuditWire.Kind(e.Kind),
        e.StepIndex is { } index ? TaskIds.StepId(processId, index).ToString() : null,
        e.StepName,
        AuditWire.Status(e, e.From, CognaizeDialect.Status, CognaizeDialect.Status),
        AuditWire.Status(e, e.To, CognaizeDialect.Status, CognaizeDialect.Status),
        e.Params?.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            p => p.Key, p => p.Value is { } v ? CognaizeDialect.Param(v) : null, StringComparer.Ordinal),
        e.Fields,
        e.Message)).ToList();
}
