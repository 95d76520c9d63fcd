using System.Text.Json.Nodes;
using NJsonSchema;

namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>Validates bodies against the vendor's published SDDC Manager schemas (Task, PageOfTask, Error).</summary>
public static class VcfSchema
{
    private static readonly Lazy<JsonObject> Components = new(() =>
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Contracts", "vcf-tasks-openapi-subset.json"));
        return JsonNode.Parse(text.Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal))!["components"]!["schemas"]!.AsObject();
    });

    private static readonly Lazy<JsonSchema> Root = new(() =>
        JsonSchema.FromJsonAsync(new JsonObject { ["definitions"] = Components.Value.DeepClone() }.ToJsonString()).GetAwaiter().GetResult());

    public static IReadOnlyList<string> Errors(string schemaName, string json) =>
        Root.Value.Definitions[schemaName].Validate(json).Select(e => $"{e.Path}: {e.Kind}").ToList();

    public static void AssertValid(string schemaName, string json)
    {
        var errors = Errors(schemaName, json);
        Assert.True(errors.Count == 0, $"Body does not satisfy VCF {schemaName}: {string.Join("; ", errors)}\n{json}");
    }
}
