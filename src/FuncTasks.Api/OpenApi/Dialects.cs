using System.Reflection;
using FuncTasks.Api.Pipeline;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// Finds the dialect that writes an error body: the <see cref="Dialect"/> declared in the body type's namespace
/// (a dialect is one folder: its contracts and its error writer), through its static <c>Instance</c>.
/// </summary>
internal static class Dialects
{
    private static readonly Dictionary<string, Dialect> ByNamespace = typeof(Dialect).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Dialect)) && !t.IsAbstract && t.Namespace is not null)
        .Select(t => (t.Namespace!, Instance: t.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as Dialect))
        .Where(d => d.Instance is not null)
        .GroupBy(d => d.Item1)
        .ToDictionary(g => g.Key, g => g.First().Instance!, StringComparer.Ordinal);

    public static Dialect? For(Type bodyType) => bodyType.Namespace is { } ns ? ByNamespace.GetValueOrDefault(ns) : null;
}
