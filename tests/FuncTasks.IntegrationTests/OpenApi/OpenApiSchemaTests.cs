using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace FuncTasks.IntegrationTests.OpenApi;

/// <summary>
/// The schemas of the served document say what the dialects send, and its examples are valid instances of them
/// (checked with a JSON Schema 2020-12 validator, the dialect of OpenAPI 3.1).
/// </summary>
public sealed class OpenApiSchemaTests(OpenApiSchemaTests.Host host, ITestOutputHelper output) : IClassFixture<OpenApiSchemaTests.Host>
{
    public sealed class Host : FuncTasksApp
    {
        private OpenApiSchemas? _schemas;

        public async Task<OpenApiSchemas> SchemasAsync()
        {
            if (_schemas is null)
            {
                using var client = Anonymous();
                _schemas = new OpenApiSchemas(JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject());
            }

            return _schemas;
        }
    }

    [Fact]
    public async Task Every_example_of_the_document_validates_against_its_schema()
    {
        var schemas = await host.SchemasAsync();
        var checkedCount = 0;
        var problems = new List<string>();
        foreach (var (path, example, schema) in Examples(schemas.Document, "#"))
        {
            checkedCount++;
            problems.AddRange(schemas.Errors(schema, example).Select(e => $"{path}: {e}"));
        }

        output.WriteLine($"{checkedCount} examples validated, {problems.Count} problems");
        Assert.True(checkedCount >= 100, $"Only {checkedCount} examples found.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Typed_parameters_are_a_oneOf_on_their_type()
    {
        var schemas = await host.SchemasAsync();
        foreach (var name in new[] { "ParamContract", "JobParam", "ProcessParam" })
        {
            var schema = Component(schemas, name);
            var variants = schema["oneOf"]!.AsArray();
            Assert.Equal(["STRING", "LONG", "DOUBLE"], variants.Select(v => (string?)v!["properties"]!["type"]!["enum"]![0]));
            var reference = Ref(name);
            Assert.Empty(schemas.Errors(reference, JsonNode.Parse("""{"strValue": "http://127.0.0.1:8000", "type": "STRING"}""")));
            Assert.Empty(schemas.Errors(reference, JsonNode.Parse("""{"longValue": 30, "type": "LONG"}""")));
            Assert.Empty(schemas.Errors(reference, JsonNode.Parse("""{"doubleValue": 0.5, "type": "DOUBLE"}""")));
            Assert.NotEmpty(schemas.Errors(reference, JsonNode.Parse("""{"strValue": "30", "type": "LONG"}""")));
            Assert.NotEmpty(schemas.Errors(reference, JsonNode.Parse("""{"longValue": 30}""")));
            Assert.NotEmpty(schemas.Errors(reference, JsonNode.Parse("""{"type": "STRING"}""")));
        }

        // A workflow may declare a parameter by its type alone: an input given at start.
        Assert.Empty(schemas.Errors(Ref("WorkflowParam"), JsonNode.Parse("""{"type": "STRING"}""")));
        Assert.Empty(schemas.Errors(Ref("WorkflowParam"), JsonNode.Parse("""{"strValue": "x", "type": "STRING"}""")));
        Assert.NotEmpty(schemas.Errors(Ref("WorkflowParam"), JsonNode.Parse("""{"type": "TEXT"}""")));
    }

    [Theory]
    [InlineData("VcfTask", "completionTimestamp")]
    [InlineData("VcfTask", "subTasks")]
    [InlineData("VcfTask", "resolutionStatus")]
    [InlineData("VcfSubTask", "completionTimestamp")]
    [InlineData("VcfError", "remediationMessage")]
    [InlineData("VcfError", "referenceToken")]
    [InlineData("JobError", "key")]
    [InlineData("FlatfileJob", "startedAt")]
    [InlineData("FlatfileJob", "finishedAt")]
    [InlineData("ProcessView", "completedAt")]
    [InlineData("DrStackFrame", "module_name")]
    public async Task A_property_left_out_when_null_is_optional_and_never_null(string schemaName, string property)
    {
        var schema = Component(await host.SchemasAsync(), schemaName);
        Assert.NotNull(schema["properties"]![property]);
        Assert.DoesNotContain(property, Required(schema));
        Assert.DoesNotContain("null", schema["properties"]![property]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DrTask", "start_time complete_time error progress _meta")]
    [InlineData("DrError", "stack_trace localized_message cause suppressed")]
    [InlineData("DrStackFrame", "method_name file_name line_number class_name native_method")]
    [InlineData("DrResponseError", "error_code op_id message")]
    [InlineData("DrListMeta", "errors total offset limit")]
    public async Task Task_info_schemas_name_the_snake_case_properties_it_sends(string schemaName, string names)
    {
        var schemas = await host.SchemasAsync();
        var properties = Component(schemas, schemaName)["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Superset(names.Split(' ').ToHashSet(), properties.ToHashSet());
        foreach (var dr in schemas.Document["components"]!["schemas"]!.AsObject().Where(s => s.Key.StartsWith("Dr", StringComparison.Ordinal)))
        {
            Assert.All(dr.Value!["properties"]!.AsObject(), p => Assert.True(!p.Key.Any(char.IsUpper), $"{dr.Key}.{p.Key} is not snake_case"));
        }
    }

    [Theory]
    [InlineData("/api/v1/processes/{processId}", "get", "200", "ProcessView")]
    [InlineData("/api/v1/processes/start", "post", "200", "ProcessStartedData")]
    [InlineData("/api/v1/processes/restart-failed-step", "post", "200", "ProcessStepData")]
    [InlineData("/api/v1/workflows", "post", "200", "WorkflowView")]
    [InlineData("/api/v1/processes/start", "post", "412", "PreconditionFailure")]
    [InlineData("/api/v1/processes/start", "post", "409", "PreconditionFailure")]
    public async Task The_Cognaize_envelope_declares_the_data_each_answer_carries(string path, string method, string status, string data)
    {
        var schemas = await host.SchemasAsync();
        var envelope = schemas.Document["paths"]![path]![method]!["responses"]![status]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        var schema = Component(schemas, envelope.Split('/')[^1]);
        Assert.Equal($"#/components/schemas/{data}", (string?)schema["properties"]!["data"]!["$ref"]);
        Assert.Equal(["data", "message", "timestamp", "version"], Required(schema).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_array_schema_names_its_items()
    {
        var document = (await host.SchemasAsync()).Document;
        var arrays = Objects(document, "#").Where(o => o.Node["type"] is { } type && type.ToJsonString().Contains("\"array\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(arrays);
        Assert.All(arrays, a => Assert.True(a.Node["items"] is not null, $"{a.Path} is an array schema without items"));
    }

    /// <summary>Every example with the schema it illustrates: media types and parameters (<c>example</c>, <c>examples</c>) and schemas' own <c>examples</c>.</summary>
    private static IEnumerable<(string Path, JsonNode? Example, JsonNode Schema)> Examples(JsonNode document, string at)
    {
        foreach (var (path, node) in Objects(document, at))
        {
            if (node["schema"] is JsonObject schema)
            {
                if (node.ContainsKey("example"))
                {
                    yield return ($"{path}/example", node["example"], schema);
                }

                foreach (var (name, example) in node["examples"] as JsonObject ?? [])
                {
                    yield return ($"{path}/examples/{name}", example?["value"], schema);
                }
            }

            if (path.StartsWith("#/components/schemas/", StringComparison.Ordinal) && node["examples"] is JsonArray values)
            {
                for (var i = 0; i < values.Count; i++)
                {
                    yield return ($"{path}/examples/{i}", values[i], node);
                }
            }
        }
    }

    private static IEnumerable<(string Path, JsonObject Node)> Objects(JsonNode? node, string at)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return (at, obj);
                foreach (var (key, value) in obj)
                {
                    // Examples are data, not part of the document's structure.
                    if (key is "example" or "examples")
                    {
                        continue;
                    }

                    foreach (var inner in Objects(value, $"{at}/{key}"))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var inner in Objects(array[i], $"{at}/{i}"))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    private static JsonObject Component(OpenApiSchemas schemas, string name) =>
        schemas.Document["components"]!["schemas"]![name]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"No component schema {name}.");

    private static JsonObject Ref(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };

    private static IEnumerable<string> Required(JsonObject schema) => schema["required"]?.AsArray().Select(r => (string)r!) ?? [];
}
