namespace FuncTasks.Core.Model;

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
