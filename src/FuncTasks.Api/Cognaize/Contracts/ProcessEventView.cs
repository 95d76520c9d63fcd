using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.Cognaize;

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
