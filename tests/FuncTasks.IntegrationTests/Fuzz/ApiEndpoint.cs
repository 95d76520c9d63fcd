using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Fuzz;

/// <summary>
/// One API endpoint as the running app routes it: method, route pattern and what its metadata declares (the
/// statuses and their body types, whether it accepts a body). Read from the app's <see cref="EndpointDataSource"/>,
/// so an endpoint added later is fuzzed without a change here.
/// </summary>
public sealed record ApiEndpoint(string Method, RouteEndpoint Endpoint)
{
    /// <summary>The route pattern as a path: one leading slash, none trailing (a group's <c>""</c> route ends in one).</summary>
    public string Pattern => "/" + Endpoint.RoutePattern.RawText!.Trim('/');

    public string Name => Endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"{Method} {Pattern}";

    public string DisplayName => Endpoint.DisplayName ?? Name;

    public IReadOnlyList<string> RouteParameters => Endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();

    public bool AcceptsBody => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is not null;

    /// <summary>Reads never need more than a reader key; every other method needs an operator key.</summary>
    public bool Mutates => Method is not ("GET" or "HEAD");

    /// <summary>The response type declared for a status; <c>typeof(void)</c> when declared without a body, null when not declared.</summary>
    public Type? Declared(int status)
    {
        var declared = Endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Where(p => p.StatusCode == status).ToList();
        return declared.Count == 0 ? null : declared.Select(p => p.Type).FirstOrDefault(t => t is not null && t != typeof(void)) ?? typeof(void);
    }

    public IEnumerable<int> DeclaredStatuses => Endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Select(p => p.StatusCode).Distinct().Order();

    /// <summary>The path with every route parameter replaced by its (escaped) value.</summary>
    public string Path(IReadOnlyDictionary<string, string> values)
    {
        var segments = Endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => EscapeSegment(values[parameter.Name]),
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"Unexpected route part {part.GetType().Name} in {Pattern}."),
        })));
        return "/" + string.Join('/', segments);
    }

    /// <summary>Escapes a route value so it stays one path segment.</summary>
    public static string EscapeSegment(string value) => Uri.EscapeDataString(value);

    public override string ToString() => $"{Method} {Pattern} ({Name})";

    /// <summary>
    /// Every endpoint of the API: routed, with HTTP methods, described in the API (not excluded from the OpenAPI
    /// description like /healthz and /dashboard/me), and not the OpenAPI document or its reference UI themselves.
    /// </summary>
    public static IReadOnlyList<ApiEndpoint> Discover(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.RoutePattern.RawText is { } raw && !IsDocumentation("/" + raw.Trim('/')))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => new ApiEndpoint(m, e)))
            .OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();

    private static bool IsDocumentation(string pattern) =>
        pattern.StartsWith("/openapi", StringComparison.OrdinalIgnoreCase) || pattern.StartsWith("/docs", StringComparison.OrdinalIgnoreCase)
        || pattern.StartsWith("/scalar", StringComparison.OrdinalIgnoreCase);
}
