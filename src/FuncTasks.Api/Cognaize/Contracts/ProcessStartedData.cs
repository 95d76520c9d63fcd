namespace FuncTasks.Api.Cognaize;

/// <summary>The data of start: the new process, its first step and that step's parameters.</summary>
public sealed record ProcessStartedData(string ProcessId, string ProcessStepId, string WorkflowId, string Status, IReadOnlyDictionary<string, ProcessParam> Params);
