using System.Text.Json;
using FuncTasks.Functions.Tests.Support;

namespace FuncTasks.Functions.Tests;

/// <summary>
/// The deployable folder `dotnet publish src/FuncTasks.Functions -c Release` gives (scripts/test.sh publishes it to
/// artifacts/functions-publish after the build): what the Functions host needs to index and run the app, and no local
/// settings.
/// </summary>
public sealed class PublishTests
{
    private static string Folder()
    {
        var folder = Repository.PathOf(Repository.FunctionsPublishFolder);
        Assert.True(Directory.Exists(folder),
            $"{folder} does not exist: publish the Functions app first with " +
            $"`dotnet publish src/FuncTasks.Functions -c Release --nologo -o {Repository.FunctionsPublishFolder}` in {Repository.Root} (scripts/test.sh does, after the build).");
        return folder;
    }

    private static JsonElement Json(string folder, string file)
    {
        var path = Path.Combine(folder, file);
        Assert.True(File.Exists(path), $"The published folder {folder} has no {file}.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    [Fact]
    public void The_published_folder_has_the_function_index_of_the_current_build()
    {
        var folder = Folder();

        var published = FunctionsMetadata.Read(Path.Combine(folder, FunctionsMetadata.FileName));

        Assert.True(File.Exists(Path.Combine(folder, "FuncTasks.Functions.dll")), "The published folder has no FuncTasks.Functions.dll.");
        Assert.Contains(published, f => f.Name == FuncTasks.Durable.TaskRunOrchestrator.Name);
        Assert.True(
            FunctionMethods.All().Select(f => f.Name).Order(StringComparer.Ordinal).SequenceEqual(published.Select(f => f.Name).Order(StringComparer.Ordinal)),
            $"The published functions.metadata lists other functions than the built app: [{string.Join(", ", published.Select(f => f.Name))}]; " +
            $"publish again (`dotnet publish src/FuncTasks.Functions -c Release --nologo -o {Repository.FunctionsPublishFolder}`).");
    }

    [Fact]
    public void The_published_folder_starts_the_isolated_worker_with_the_Durable_extension()
    {
        var folder = Folder();

        var worker = Json(folder, "worker.config.json").GetProperty("description");
        Assert.Equal("dotnet-isolated", worker.GetProperty("language").GetString());
        Assert.Equal("FuncTasks.Functions.dll", worker.GetProperty("defaultWorkerPath").GetString());

        var extensions = Json(folder, "extensions.json").GetProperty("extensions").EnumerateArray().ToList();
        var durable = extensions.SingleOrDefault(e => e.GetProperty("name").GetString() == "DurableTask");
        Assert.True(durable.ValueKind == JsonValueKind.Object,
            $"extensions.json does not name the Durable extension: [{string.Join(", ", extensions.Select(e => e.GetProperty("name").GetString()))}].");
        Assert.StartsWith("Microsoft.Azure.WebJobs.Extensions.DurableTask.", durable.GetProperty("typeName").GetString(), StringComparison.Ordinal);
        var hintPath = durable.GetProperty("hintPath").GetString()!;
        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(folder, hintPath))), $"The Durable extension's assembly {hintPath} is not in the published folder.");

        var azureFunctions = Path.Combine(folder, ".azurefunctions");
        Assert.True(Directory.Exists(azureFunctions), "The published folder has no .azurefunctions folder (the host-side extensions).");
        Assert.NotEmpty(Directory.EnumerateFiles(azureFunctions, "*.dll"));
    }

    [Fact]
    public void The_published_hostJson_routes_without_a_prefix_and_no_local_settings_are_published()
    {
        var folder = Folder();

        var host = Json(folder, "host.json");

        Assert.Equal(string.Empty, host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal(Repository.Read("host.json"), File.ReadAllText(Path.Combine(folder, "host.json")));
        Assert.False(File.Exists(Path.Combine(folder, "local.settings.json")), "local.settings.json (local secrets) must never be published.");
        Assert.Empty(Directory.EnumerateFiles(folder, "local.settings*.json", SearchOption.AllDirectories));
    }
}
