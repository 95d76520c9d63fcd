namespace FuncTasks.Api.Cognaize;

/// <summary>Every response of the Cognaize dialect: <c>{message, timestamp, data, version}</c>.</summary>
public sealed record CognaizeEnvelope(string Message, string Timestamp, object Data, string Version);
