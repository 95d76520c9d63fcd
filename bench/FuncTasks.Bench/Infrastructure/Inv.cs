using System.Globalization;

namespace FuncTasks.Bench.Infrastructure;

/// <summary>Invariant culture, short.</summary>
public static class Inv
{
    public static readonly CultureInfo C = CultureInfo.InvariantCulture;
}
