namespace FuncTasks.Api.Cognaize;

/// <summary>The data of restart-failed-step and complete-step: the step and the parameters now in force.</summary>
public sealed record ProcessStepData(string ProcessId, string ProcessStepId, IReadOnlyDictionary<string, ProcessParam> Params);
