namespace FuncTasks.Api.Cognaize;

/// <summary>The data of a 412: which precondition failed and why.</summary>
public sealed record PreconditionFailure(string Precondition, string Reason, string? Field = null, string? ActualStatus = null);
