namespace FuncTasks.Api.Cognaize;

/// <summary>A typed parameter on the wire: <c>{strValue | longValue | doubleValue, type: STRING | LONG | DOUBLE}</c>.</summary>
public sealed record ProcessParam(string? StrValue, long? LongValue, double? DoubleValue, string Type);
