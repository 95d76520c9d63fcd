using System.Globalization;

namespace FuncTasks.Core.Model;

/// <summary>A typed step parameter <c>{strValue | longValue | doubleValue, type}</c>: exactly one value that matches <see cref="Type"/>.</summary>
public sealed record ParamValue(ParamType Type, string? StrValue = null, long? LongValue = null, double? DoubleValue = null)
{
    public const int MaxStringLength = 16 * 1024;

    public static ParamValue Of(string value) => new(ParamType.STRING, StrValue: value);

    public static ParamValue Of(long value) => new(ParamType.LONG, LongValue: value);

    public static ParamValue Of(double value) => new(ParamType.DOUBLE, DoubleValue: value);

    /// <summary>Why this value does not match its type, or null when it does.</summary>
    public string? Problem(string name) => Type switch
    {
        ParamType.STRING when StrValue is null => $"Parameter '{name}' has type STRING but no strValue.",
        ParamType.STRING when StrValue.Length > MaxStringLength => $"Parameter '{name}' is longer than {MaxStringLength} characters.",
        ParamType.LONG when LongValue is null => $"Parameter '{name}' has type LONG but no longValue.",
        ParamType.DOUBLE when DoubleValue is null => $"Parameter '{name}' has type DOUBLE but no doubleValue.",
        ParamType.DOUBLE when !double.IsFinite(DoubleValue!.Value) => $"Parameter '{name}' must be a finite number.",
        _ when CountValues() > 1 => $"Parameter '{name}' has type {Type} but carries more than one value.",
        _ => null,
    };

    public override string ToString() => Type switch
    {
        ParamType.STRING => StrValue ?? string.Empty,
        ParamType.LONG => LongValue?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        _ => DoubleValue?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private int CountValues() => (StrValue is null ? 0 : 1) + (LongValue is null ? 0 : 1) + (DoubleValue is null ? 0 : 1);
}
