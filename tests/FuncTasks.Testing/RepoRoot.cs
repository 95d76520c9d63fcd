using System.Reflection;

namespace FuncTasks.Testing;

/// <summary>
/// The repository's root folder (the one holding FuncTasks.sln): where this toolkit was built from, or else the first
/// folder holding FuncTasks.sln above the running program or the current directory.
/// </summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    /// <summary>A file or folder of the repository (<c>docs/openapi.json</c>), with the platform's separators.</summary>
    public static string Combine(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        return System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));
    }

    private static string Find()
    {
        var built = typeof(RepoRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (built is not null && File.Exists(System.IO.Path.Combine(built, "FuncTasks.sln")))
        {
            return built;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "FuncTasks.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("FuncTasks.sln not found: neither where the toolkit was built, nor above the program or the current directory.");
    }
}
