using System.Text.Json;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>One binding of a function in functions.metadata (httpTrigger, durableClient, orchestrationTrigger, activityTrigger, http).</summary>
public sealed record MetadataBinding(string Name, string Type, string Direction, string? Route, IReadOnlyList<string> Methods, string? AuthLevel);

/// <summary>One function as the Functions host reads it from functions.metadata.</summary>
public sealed record MetadataFunction(string Name, string ScriptFile, string EntryPoint, string Language, IReadOnlyList<MetadataBinding> Bindings)
{
    /// <summary>The function's single httpTrigger binding, or null when it has none (throws when it has several).</summary>
    public MetadataBinding? HttpTrigger => Bindings.SingleOrDefault(b => b.Type == "httpTrigger");
}

/// <summary>
/// functions.metadata, the file the Worker SDK generates from the <c>[Function]</c> methods at build (and publish) time and
/// the Functions host reads to index the app's functions, triggers and routes.
/// </summary>
public static class FunctionsMetadata
{
    public const string FileName = "functions.metadata";

    /// <summary>The functions.metadata next to FuncTasks.Functions.dll in the Functions app's build output.</summary>
    public static string BuildPath => Path.Combine(Repository.FunctionsBuildOutput, FileName);

    public static IReadOnlyList<MetadataFunction> FromBuild()
    {
        Assert.True(File.Exists(BuildPath),
            $"{BuildPath} does not exist: build the solution (`dotnet build FuncTasks.sln -c {Repository.Configuration}`); the Worker SDK writes it next to FuncTasks.Functions.dll.");
        return Read(BuildPath);
    }

    public static IReadOnlyList<MetadataFunction> Read(string path) => Parse(File.ReadAllText(path));

    public static IReadOnlyList<MetadataFunction> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(f => new MetadataFunction(
            Text(f, "name")!,
            Text(f, "scriptFile")!,
            Text(f, "entryPoint")!,
            Text(f, "language")!,
            f.GetProperty("bindings").EnumerateArray().Select(Binding).ToList())).ToList();
    }

    /// <summary>One binding as JSON (an element of a function's "bindings", or a raw binding the worker reports).</summary>
    public static MetadataBinding Binding(JsonElement b) => new(
        Text(b, "name")!,
        Text(b, "type")!,
        Text(b, "direction")!,
        Text(b, "route"),
        b.TryGetProperty("methods", out var methods) && methods.ValueKind == JsonValueKind.Array
            ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList()
            : [],
        Text(b, "authLevel"));

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
