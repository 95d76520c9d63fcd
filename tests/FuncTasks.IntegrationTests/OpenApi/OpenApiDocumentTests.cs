using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.OpenApi;

/// <summary>
/// The OpenAPI document the host serves at /openapi/v1.json: complete for every dialect, and equal to the
/// committed docs/openapi.json. Regenerate that file with <c>scripts/update-openapi.sh</c>.
/// </summary>
public sealed class OpenApiDocumentTests : IClassFixture<OpenApiDocumentTests.Host>
{
    public const string UpdateVariable = "FUNCTASKS_UPDATE_OPENAPI";
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private readonly Host _host;

    public OpenApiDocumentTests(Host host) => _host = host;

    public sealed class Host : FuncTasksApp;

    public static string CommittedPath => Path.Combine(RepoRoot.Path, "docs", "openapi.json");

    [Fact]
    public async Task Committed_document_matches_what_the_host_serves()
    {
        var served = await ServedTextAsync();
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CommittedPath)!);
            await File.WriteAllTextAsync(CommittedPath, served.ReplaceLineEndings("\n").TrimEnd() + "\n");
        }

        Assert.True(File.Exists(CommittedPath), $"{CommittedPath} is missing. Generate it with scripts/update-openapi.sh.");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath));
        var difference = FirstDifference(Canonical(committed), Canonical(JsonNode.Parse(served)), "#");
        Assert.True(difference is null,
            $"docs/openapi.json differs from the document the host serves at /openapi/v1.json, first at {difference}. " +
            $"If the API change is intended, regenerate it with scripts/update-openapi.sh (or {UpdateVariable}=1 dotnet test " +
            "tests/FuncTasks.IntegrationTests --filter FullyQualifiedName~OpenApiDocumentTests) and commit the file.");
    }

    [Fact]
    public async Task Every_operation_documents_its_status_codes_with_schemas_and_examples()
    {
        var document = JsonNode.Parse(await ServedTextAsync())!.AsObject();
        var problems = new List<string>();
        var operations = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                if (item![method] is not JsonObject operation)
                {
                    continue;
                }

                operations++;
                var name = $"{method.ToUpperInvariant()} {path}";
                if (string.IsNullOrEmpty((string?)operation["operationId"]) || string.IsNullOrEmpty((string?)operation["summary"]))
                {
                    problems.Add($"{name}: no operationId or summary");
                }

                var responses = operation["responses"]!.AsObject();
                if (!responses.Any(r => r.Key.StartsWith('2') || r.Key == "501"))
                {
                    problems.Add($"{name}: no 2xx response (nor 501 for an operation that is not implemented)");
                }

                foreach (var required in new[] { "401", "500" })
                {
                    if (!responses.ContainsKey(required))
                    {
                        problems.Add($"{name}: {required} not documented");
                    }
                }

                var bodies = responses.Select(r => ($"{r.Key} response", r.Value!["content"]?["application/json"]))
                    .Append(("request", operation["requestBody"]?["content"]?["application/json"]));
                foreach (var (what, media) in bodies)
                {
                    if (media is null)
                    {
                        continue;
                    }

                    if (media["schema"] is null)
                    {
                        problems.Add($"{name}: {what} has no schema");
                    }

                    if (media["example"] is null)
                    {
                        problems.Add($"{name}: {what} has no example");
                    }
                }
            }
        }

        Assert.True(operations >= 5, $"Only {operations} operations documented.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Document_declares_both_key_schemes_and_the_local_server_first()
    {
        var document = JsonNode.Parse(await ServedTextAsync())!.AsObject();
        Assert.StartsWith("3.", (string?)document["openapi"]);
        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("http", (string?)schemes["bearer"]!["type"]);
        Assert.Equal("bearer", (string?)schemes["bearer"]!["scheme"]);
        Assert.Equal("apiKey", (string?)schemes["functionsKey"]!["type"]);
        Assert.Equal("header", (string?)schemes["functionsKey"]!["in"]);
        Assert.Equal("x-functions-key", (string?)schemes["functionsKey"]!["name"]);
        var security = document["security"]!.AsArray().Select(r => r!.AsObject().Single().Key).ToList();
        Assert.Equal(["bearer", "functionsKey"], security);
        // The reference page's snippets and generated clients call the first server: the LocalHost of scripts/run.sh.
        var servers = document["servers"]!.AsArray();
        Assert.Equal(FuncTasks.Api.OpenApi.FuncTasksOpenApi.LocalUrl, (string?)servers[0]!["url"]);
        Assert.All(servers, s => Assert.False(string.IsNullOrEmpty((string?)s!["description"])));
        Assert.DoesNotContain("/dashboard/me", document["paths"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain("/healthz", document["paths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Tasks_examples_are_valid_vendor_bodies_written_by_the_dialect()
    {
        var paths = JsonNode.Parse(await ServedTextAsync())!["paths"]!;
        var retry = paths["/v1/tasks/{id}"]!["patch"]!["responses"]!;
        foreach (var status in new[] { "401", "403", "404", "409", "500" })
        {
            VcfSchema.AssertValid("Error", retry[status]!["content"]!["application/json"]!["example"]!.ToJsonString());
        }

        Assert.Equal("Task can not be retried. Only a failed Task can be retried.", (string?)retry["409"]!["content"]!["application/json"]!["example"]!["message"]);
        var cancel = paths["/v1/tasks/{id}"]!["delete"]!["responses"]!;
        Assert.Equal("Task can not be cancelled. Only a IN_PROGRESS task can be cancelled.", (string?)cancel["409"]!["content"]!["application/json"]!["example"]!["message"]);
        var task = paths["/v1/tasks/{id}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]!;
        VcfSchema.AssertValid("Task", task.ToJsonString());
        Assert.Equal("FAILED", (string?)task["status"]);
        var list = paths["/v1/tasks"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]!;
        VcfSchema.AssertValid("PageOfTask", list.ToJsonString());
    }

    [Fact]
    public async Task Api_reference_is_served_at_docs_from_this_host()
    {
        using var client = _host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = true });
        var response = await client.GetAsync("/docs/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", html);
        Assert.Contains("<script src=\"scalar.js\">", html);
        Assert.DoesNotContain("https://", html);
        var script = await client.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private async Task<string> ServedTextAsync()
    {
        using var client = _host.Anonymous();
        var response = await client.GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/openapi/v1.json answered {(int)response.StatusCode}: {text}");
        return text;
    }

    /// <summary>Objects with their keys in ordinal order, so only content counts.</summary>
    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonical).ToArray()),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString()),
    };

    private static string? FirstDifference(JsonNode? expected, JsonNode? actual, string at)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        return $"{at}/{key} ({(e.ContainsKey(key) ? "only in docs/openapi.json" : "only in the served document")})";
                    }

                    if (FirstDifference(e[key], a[key], $"{at}/{key}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (i >= e.Count || i >= a.Count)
                    {
                        return $"{at}/{i} (arrays of {e.Count} and {a.Count} items)";
                    }

                    if (FirstDifference(e[i], a[i], $"{at}/{i}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                var (left, right) = (expected?.ToJsonString() ?? "null", actual?.ToJsonString() ?? "null");
                return left == right ? null : $"{at}: {Excerpt(left)} in docs/openapi.json, {Excerpt(right)} served";
        }
    }

    private static string Excerpt(string json) => json.Length <= 120 ? json : json[..120] + "…";
}
