using System.Globalization;

namespace FuncTasks.Core.Model;

public enum ParamType
{
    STRING,
    LONG,
    DOUBLE,
}

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

/// <summary>Step parameters keyed by name (ordinal, case-sensitive).</summary>
public static class StepParams
{
    public static IReadOnlyDictionary<string, ParamValue> Empty { get; } = new Dictionary<string, ParamValue>(StringComparer.Ordinal);

    /// <summary>Those given replace the same-named ones; the others keep their values.</summary>
    public static IReadOnlyDictionary<string, ParamValue> Merge(
        IReadOnlyDictionary<string, ParamValue> current, IReadOnlyDictionary<string, ParamValue> changes)
    {
        var merged = new Dictionary<string, ParamValue>(current, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            merged[name] = value;
        }

        return merged;
    }

    public static IEnumerable<string> Problems(IReadOnlyDictionary<string, ParamValue> values)
    {
        foreach (var (name, value) in values)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                yield return "Parameter names must not be empty.";
            }
            else if (value.Problem(name) is { } problem)
            {
                yield return problem;
            }
        }
    }

    public static string? GetString(this IReadOnlyDictionary<string, ParamValue> values, string name) =>
        values.TryGetValue(name, out var v) ? v.StrValue : null;

    public static long? GetLong(this IReadOnlyDictionary<string, ParamValue> values, string name) =>
        values.TryGetValue(name, out var v) ? v.LongValue : null;

    /// <summary>A LONG or DOUBLE value as a double.</summary>
    public static double? GetNumber(this IReadOnlyDictionary<string, ParamValue> values, string name) =>
        values.TryGetValue(name, out var v) ? v.DoubleValue ?? v.LongValue : null;
}
