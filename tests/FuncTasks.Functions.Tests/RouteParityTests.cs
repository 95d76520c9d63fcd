using FuncTasks.Functions.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace FuncTasks.Functions.Tests;

/// <summary>
/// Every endpoint the LocalHost maps (every dialect) has exactly one HTTP-triggered function in
/// src/FuncTasks.Functions with the same method and route, and no function serves anything else.
/// </summary>
public sealed class RouteParityTests : IClassFixture<LocalHostApp>
{
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

    private static string Key(string method, string route) => $"{method.ToUpperInvariant()} /{route}";

    [Fact]
    public void Every_LocalHost_endpoint_has_a_function_with_the_same_method_and_route_and_no_function_has_none()
    {
        var expected = LocalHostRoutes();
        var functions = HttpTriggers.InFunctionsProject();
        var actual = functions.SelectMany(f => f.Methods.Select(m => Key(m, Normalize(f.Route)))).ToList();

        Assert.NotEmpty(expected);
        var missing = expected.Except(actual, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var extra = actual.Except(expected, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"Functions missing for LocalHost endpoints: [{string.Join(", ", missing)}]; functions without a LocalHost endpoint: [{string.Join(", ", extra)}].");
        var duplicates = actual.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"Served by more than one function: [{string.Join(", ", duplicates)}].");
    }

    [Fact]
    public void Every_HTTP_function_has_a_route_methods_function_keys_and_the_Durable_client()
    {
        var functions = HttpTriggers.InFunctionsProject();

        Assert.NotEmpty(functions);
        Assert.All(functions, f =>
        {
            Assert.True(f.Route is { Length: > 0 }, $"{f.File}: {f.Name} has no Route (it would default to the function name).");
            Assert.True(f.Methods.Count > 0, $"{f.File}: {f.Name} lists no HTTP method (it would accept every method).");
            Assert.True(f.AuthLevel == "Function", $"{f.File}: {f.Name} uses AuthorizationLevel.{f.AuthLevel}; every endpoint needs a key.");
            Assert.True(f.TakesDurableClient, $"{f.File}: {f.Name} has no [DurableClient] parameter; its handler may schedule or cancel a run.");
            Assert.False(Normalize(f.Route).StartsWith("admin", StringComparison.OrdinalIgnoreCase) || Normalize(f.Route).StartsWith("runtime", StringComparison.OrdinalIgnoreCase),
                $"{f.File}: {f.Name} uses a route reserved by the Functions host.");
        });
        var names = functions.Select(f => f.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void The_trigger_reader_finds_methods_routes_and_keys_across_lines_and_ignores_commented_out_functions()
    {
        const string source = """
            public static class Sample
            {
                [Function("RetryTask")]
                public static Task<IResult> Retry(
                    [HttpTrigger(AuthorizationLevel.Function,
                        "patch", "put",
                        Route = "v1/tasks/{id:guid}")] HttpRequest req, string id,
                    [DurableClient] DurableTaskClient durable) => Run();

                // [Function("Old")]
                // public static Task<IResult> Old([HttpTrigger(AuthorizationLevel.Function, "get", Route = "old")] HttpRequest req) => Run();

                /* [Function("Older")] public static Task<IResult> Older([HttpTrigger("get", Route = "older")] HttpRequest r) => Run(); */

                [Function(nameof(Anonymous))]
                public static Task<IResult> Anonymous([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "open")] HttpRequest req) => Run(); // "get"

                [Function(nameof(RunTask))]
                public static Task RunTask([OrchestrationTrigger] TaskOrchestrationContext context) => Run();
            }
            """;

        var functions = HttpTriggers.Parse(source, "Sample.cs");

        Assert.Equal(2, functions.Count);
        var retry = functions[0];
        Assert.Equal(("RetryTask", "v1/tasks/{id:guid}", "Function", true), (retry.Name, retry.Route, retry.AuthLevel, retry.TakesDurableClient));
        Assert.Equal(new[] { "PATCH", "PUT" }, retry.Methods);
        Assert.Equal(("Anonymous", "open", "Anonymous", false), (functions[1].Name, functions[1].Route, functions[1].AuthLevel, functions[1].TakesDurableClient));
    }
}
