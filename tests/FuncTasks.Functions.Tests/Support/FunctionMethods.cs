using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>A <c>[Function]</c> method of the compiled Functions app (FuncTasks.Functions.dll).</summary>
public sealed record FunctionMethod(string Name, MethodInfo Method)
{
    /// <summary>The entry point as functions.metadata names it: the declaring type's full name, a dot, the method name.</summary>
    public string EntryPoint => $"{Method.DeclaringType!.FullName}.{Method.Name}";

    public HttpTriggerAttribute? HttpTrigger =>
        Method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null);

    public ParameterInfo? Trigger<TAttribute>() where TAttribute : Attribute =>
        Method.GetParameters().SingleOrDefault(p => p.GetCustomAttribute<TAttribute>() is not null);

    public override string ToString() => $"{Name} ({EntryPoint})";
}

/// <summary>The functions the compiled Functions app declares, found by reflection so that a new one cannot be left out.</summary>
public static class FunctionMethods
{
    public static Assembly App => typeof(FunctionsApp).Assembly;

    public static IReadOnlyList<FunctionMethod> All() =>
        App.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(m => m.Function is not null)
            .Select(m => new FunctionMethod(m.Function!.Name, m.Method))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The HTTP-triggered functions: a parameter carries <c>[HttpTrigger]</c>.</summary>
    public static IReadOnlyList<FunctionMethod> Http() => All().Where(f => f.HttpTrigger is not null).ToList();

    public static FunctionMethod Named(string name) =>
        All().SingleOrDefault(f => f.Name == name) ?? throw new InvalidOperationException($"The Functions app has no function named '{name}'.");
}
