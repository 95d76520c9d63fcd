namespace FuncTasks.Api.Cognaize;

/// <summary>Body of start (documentation shape).</summary>
public sealed record StartProcessRequest(string WorkflowId, IReadOnlyDictionary<string, ProcessParam>? Params, WireFormat.RetryContract? Retry = null);
