namespace FuncTasks.Api.Cognaize;

/// <summary>Body of restart-failed-step and complete-step (documentation shape; parsed by hand for precise 412s).</summary>
public sealed record ProcessStepRequest(string ProcessStepId, IReadOnlyDictionary<string, ProcessParam>? Params);
