using System.Text.Json;
using System.Text.RegularExpressions;
using FuncTasks.Durable;
using FuncTasks.Functions.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;

namespace FuncTasks.Functions.Tests;

/// <summary>
/// The functions the Functions host indexes, as the Worker SDK wrote them to functions.metadata at build time (the file the
/// host reads), against the LocalHost's endpoints and docs/openapi.json: every endpoint (every dialect) has exactly one
/// HTTP-triggered function with the same method and route, no function serves anything else, and the Durable orchestrator
/// and its activities are there with their triggers.
/// </summary>
public sealed partial class RouteParityTests : IClassFixture<LocalHostApp>
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private readonly LocalHostApp _app;

    public RouteParityTests(LocalHostApp app) => _app = app;

    /// <summary>
    /// Host plumbing, not API: what the LocalHost leaves out of its API description (its health check, the
    /// dashboard's own endpoint), its OpenAPI documents and API reference, and static files.
    /// </summary>
    private static bool IsHostPlumbing(RouteEndpoint endpoint, string route) =>
        endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true } ||
        route is "healthz" ||
        route.StartsWith("openapi", StringComparison.OrdinalIgnoreCase) ||
        route.StartsWith("docs", StringComparison.OrdinalIgnoreCase) ||
        route.StartsWith("swagger", StringComparison.OrdinalIgnoreCase) ||
        route.Contains("{*", StringComparison.Ordinal);

    private static string Normalize(string? route) => (route ?? string.Empty).Trim().Trim('/');

    private static string Key(string method, string? route) => $"{method.ToUpperInvariant()} /{Normalize(route)}";

    private IReadOnlyList<string> LocalHostRoutes()
    {
        var routes = new List<string>();
        foreach (var endpoint in _app.Endpoints())
        {
            var route = Normalize(endpoint.RoutePattern.RawText);
            if (IsHostPlumbing(endpoint, route))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
            Assert.True(methods is { Count: > 0 }, $"LocalHost endpoint '{route}' accepts any method; a function must list its methods, so map it with explicit ones.");
            routes.AddRange(methods.Select(m => Key(m, route)));
        }

        return routes;
    }

    private static IReadOnlyList<MetadataFunction> HttpFunctions() => FunctionsMetadata.FromBuild().Where(f => f.HttpTrigger is not null).ToList();

    /// <summary>"METHOD /route" of every method of every HTTP-triggered function in functions.metadata, with the function's name.</summary>
    private static IReadOnlyList<(string Key, string Function)> FunctionRoutes() =>
        HttpFunctions().SelectMany(f => f.HttpTrigger!.Methods.Select(m => (Key(m, f.HttpTrigger!.Route), f.Name))).ToList();

    private static void AssertSameSets(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string expectedName, string actualName)
    {
        var missing = expected.Except(actual, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var extra = actual.Except(expected, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"In {expectedName} but without a function in functions.metadata: [{string.Join(", ", missing)}]; " +
            $"functions in functions.metadata not in {expectedName}: [{string.Join(", ", extra)}].");
        var duplicates = actual.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"Served by more than one function in functions.metadata: [{string.Join(", ", duplicates)}].");
    }

    [Fact]
    public void Every_LocalHost_endpoint_has_exactly_one_function_in_functions_metadata_and_no_function_has_none()
    {
        var expected = LocalHostRoutes();
        var actual = FunctionRoutes().Select(r => r.Key).ToList();

        Assert.NotEmpty(expected);
        AssertSameSets(expected, actual, "the LocalHost's endpoints", "functions.metadata");
        Assert.Equal(expected.Count, actual.Count);
    }

    [Fact]
    public void The_functions_in_functions_metadata_serve_every_operation_of_the_OpenAPI_document_under_its_operationId()
    {
        using var document = JsonDocument.Parse(Repository.Read("docs/openapi.json"));
        var operations = new List<(string Key, string? OperationId)>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => HttpMethods.Contains(o.Name, StringComparer.OrdinalIgnoreCase)))
            {
                operations.Add((Key(operation.Name, path.Name), operation.Value.TryGetProperty("operationId", out var id) ? id.GetString() : null));
            }
        }

        var functions = FunctionRoutes();

        Assert.NotEmpty(operations);
        AssertSameSets(operations.Select(o => o.Key).ToList(), functions.Select(f => f.Key).ToList(), "docs/openapi.json", "functions.metadata");
        // One vocabulary: the function a request reaches is named as the operation documents it (the LocalHost's endpoint name).
        var renamed = operations.Join(functions, o => o.Key, f => f.Key, (o, f) => (o.Key, o.OperationId, f.Function))
            .Where(x => x.OperationId != x.Function).Select(x => $"{x.Key}: operationId {x.OperationId ?? "(none)"}, function {x.Function}").ToList();
        Assert.True(renamed.Count == 0, $"Functions named unlike their operations: [{string.Join("; ", renamed)}].");
    }

    [Fact]
    public void The_orchestrator_and_its_activities_are_in_functions_metadata_with_their_Durable_triggers()
    {
        var functions = FunctionsMetadata.FromBuild();
        var durable = functions.Where(f => f.HttpTrigger is null && !f.Name.EndsWith("Notifications", StringComparison.Ordinal)).ToDictionary(f => f.Name, StringComparer.Ordinal);

        var expected = new Dictionary<string, string>
        {
            [TaskRunOrchestrator.Name] = "orchestrationTrigger",
            [TaskRunOrchestrator.ExecuteStepActivity] = "activityTrigger",
            [TaskRunOrchestrator.FailRunActivity] = "activityTrigger",
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), durable.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, trigger) in expected)
        {
            var binding = Assert.Single(durable[name].Bindings);
            Assert.True(binding.Type == trigger && binding.Direction == "In",
                $"{name}: expected one {trigger} input binding, found {binding.Type} ({binding.Direction}).");
        }
    }

    [Fact]
    public void Every_HTTP_function_in_functions_metadata_has_a_route_methods_function_keys_the_Durable_client_and_an_HTTP_result()
    {
        var functions = HttpFunctions();

        Assert.NotEmpty(functions);
        Assert.All(functions, f =>
        {
            var trigger = f.HttpTrigger!;
            var route = Normalize(trigger.Route);
            Assert.True(route.Length > 0, $"{f.Name} has no route (it would default to the function name).");
            Assert.True(trigger.Methods.Count > 0, $"{f.Name} lists no HTTP method (it would accept every method).");
            Assert.True(trigger.AuthLevel == "Function", $"{f.Name} has authLevel {trigger.AuthLevel}; every endpoint needs a key.");
            Assert.True(f.Bindings.Any(b => b.Type == "durableClient" && b.Direction == "In"),
                $"{f.Name} has no durableClient binding; its handler may schedule or cancel a run.");
            Assert.True(f.Bindings.Any(b => b.Type == "http" && b.Direction == "Out" && b.Name == "$return"),
                $"{f.Name} does not return its HTTP response.");
            Assert.False(route.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase),
                $"{f.Name} uses a route reserved by the Functions host.");
        });
        var names = functions.Select(f => f.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Functions_metadata_describes_the_compiled_app_every_function_entry_point_and_route_parameter()
    {
        var metadata = FunctionsMetadata.FromBuild();
        var methods = FunctionMethods.All();

        // Not stale: the same functions as the [Function] methods of the FuncTasks.Functions.dll these tests load.
        Assert.Equal(methods.Select(m => m.Name).Order(StringComparer.Ordinal), metadata.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(metadata, f =>
        {
            var method = methods.Single(m => m.Name == f.Name);
            Assert.Equal("dotnet-isolated", f.Language);
            Assert.Equal("FuncTasks.Functions.dll", f.ScriptFile);
            Assert.True(f.EntryPoint == method.EntryPoint, $"{f.Name}: functions.metadata calls {f.EntryPoint}, the assembly declares it on {method.EntryPoint}.");
            if (f.HttpTrigger is { } trigger)
            {
                Assert.Equal(trigger.Route, method.HttpTrigger!.Route);
                // Route values reach the function only through parameters of the same name.
                foreach (Match parameter in RouteParameter().Matches(trigger.Route ?? string.Empty))
                {
                    var name = parameter.Groups["name"].Value;
                    Assert.True(method.Method.GetParameters().Any(p => p.Name == name && p.ParameterType == typeof(string)),
                        $"{f.Name}: route '{trigger.Route}' has {{{name}}}, but {method.EntryPoint} has no string parameter '{name}'.");
                }
            }
        });
    }

    /// <summary>
    /// worker.config.json turns worker indexing on: the host then asks the worker for its functions, and the worker answers
    /// from the metadata provider the Worker SDK generated into FuncTasks.Functions.dll. It must describe the same functions
    /// and bindings as functions.metadata (which the host reads when it indexes the app itself).
    /// </summary>
    [Fact]
    public async Task The_worker_indexes_the_same_functions_and_bindings_as_functions_metadata()
    {
        var worker = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(Repository.FunctionsBuildOutput, "worker.config.json"))).GetProperty("description");
        Assert.Equal("true", worker.GetProperty("workerIndexing").GetString());
        var type = FunctionMethods.App.GetType("FuncTasks.Functions.GeneratedFunctionMetadataProvider");
        Assert.True(type is not null, "FuncTasks.Functions.dll has no source-generated GeneratedFunctionMetadataProvider (FunctionsEnableMetadataSourceGen off?).");
        var provider = (IFunctionMetadataProvider)Activator.CreateInstance(type)!;

        var reported = await provider.GetFunctionMetadataAsync(Repository.FunctionsBuildOutput);
        var metadata = FunctionsMetadata.FromBuild().ToDictionary(f => f.Name, StringComparer.Ordinal);

        Assert.Equal(metadata.Keys.Order(StringComparer.Ordinal), reported.Select(f => f.Name!).Order(StringComparer.Ordinal));
        Assert.All(reported, f =>
        {
            var file = metadata[f.Name!];
            Assert.Equal((file.EntryPoint, file.ScriptFile, file.Language), (f.EntryPoint, f.ScriptFile, f.Language));
            var bindings = f.RawBindings!.Select(raw => FunctionsMetadata.Binding(JsonSerializer.Deserialize<JsonElement>(raw))).ToList();
            Assert.Equal(Describe(file.Bindings), Describe(bindings));
        });
    }

    private static IEnumerable<string> Describe(IEnumerable<MetadataBinding> bindings) =>
        bindings.Select(b => $"{b.Name} {b.Type} {b.Direction} {b.Route} [{string.Join(",", b.Methods)}] {b.AuthLevel}").Order(StringComparer.Ordinal);

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex RouteParameter();
}
