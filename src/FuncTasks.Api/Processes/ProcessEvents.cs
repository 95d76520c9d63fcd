using FuncTasks.Api.Common;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.Processes;

/// <summary>One entry of a process's audit trail: who (<c>actor</c>: the API key's name, or <c>engine</c>), what, when.</summary>
public sealed record ProcessEventView(
    int Sequence,
    string Timestamp,
    string Actor,
    string? Operation,
    string Kind,
    string? ProcessStepId,
    string? StepName,
    string? FromStatus,
    string? ToStatus,
    IReadOnlyDictionary<string, ProcessParam?>? Params,
    IReadOnlyList<string>? Fields,
    string? Message);

public static class ProcessEvents
{
    public static IReadOnlyList<ProcessEventView> ToViews(Guid processId, IReadOnlyList<TaskEvent> events) => events.Select(e => new ProcessEventView(
        e.Sequence,
        Wire.Time(e.At)!,
        e.Actor,
        e.Operation,
        AuditWire.Kind(e.Kind),
        e.StepIndex is { } index ? TaskIds.StepId(processId, index).ToString() : null,
        e.StepName,
        AuditWire.Status(e, e.From, ProcessesDialect.Status, ProcessesDialect.Status),
        AuditWire.Status(e, e.To, ProcessesDialect.Status, ProcessesDialect.Status),
        e.Params?.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            p => p.Key, p => p.Value is { } v ? ProcessesDialect.Param(v) : null, StringComparer.Ordinal),
        e.Fields,
        e.Message)).ToList();
}
