using System.Reflection;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>Files of this repository (found by the toolkit's <see cref="RepoRoot"/>) and of its builds, read where they are.</summary>
public static class Repository
{
    public static string Root => RepoRoot.Path;

    /// <summary>The configuration (Release, Debug) this test assembly, and so the Functions app it references, was built in.</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    public static string TargetFramework { get; } = Metadata("TargetFramework");

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>
    /// The Functions app's own build output (src/FuncTasks.Functions/bin/&lt;Configuration&gt;/&lt;TargetFramework&gt;): the folder
    /// `func start` runs, where the SDK writes functions.metadata next to FuncTasks.Functions.dll.
    /// </summary>
    public static string FunctionsBuildOutput => PathOf($"src/FuncTasks.Functions/bin/{Configuration}/{TargetFramework}");

    /// <summary>Where scripts/test.sh publishes the Functions app (`dotnet publish src/FuncTasks.Functions -c Release -o ...`).</summary>
    public const string FunctionsPublishFolder = "artifacts/functions-publish";

    private static string Metadata(string key) => typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .SingleOrDefault(a => a.Key == key)?.Value ?? throw new InvalidOperationException($"{key} is not set in the test assembly's metadata (see the .csproj).");
}
