using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;

namespace FuncTasks.Api.Vcf;

/// <summary>A typed parameter on the wire: <c>{strValue | longValue | doubleValue, type: STRING | LONG | DOUBLE}</c>.</summary>
public sealed record ParamContract(string? StrValue, long? LongValue, double? DoubleValue, string Type);
