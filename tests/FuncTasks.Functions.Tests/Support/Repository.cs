using System.Reflection;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>Files of this repository, read where they are (the Functions project is never built here).</summary>
public static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value ?? throw new InvalidOperationException("RepositoryRoot is not set.");

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The C# sources of src/FuncTasks.Functions (not what a local build generated under bin/ or obj/).</summary>
    public static IReadOnlyList<string> FunctionsSources()
    {
        var project = PathOf("src/FuncTasks.Functions");
        return Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(project, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
