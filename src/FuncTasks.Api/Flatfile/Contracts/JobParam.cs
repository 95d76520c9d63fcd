namespace FuncTasks.Api.Flatfile;

/// <summary>A typed parameter: <c>{strValue | longValue | doubleValue, type: STRING | LONG | DOUBLE}</c>.</summary>
public sealed record JobParam(string? StrValue, long? LongValue, double? DoubleValue, string Type);
