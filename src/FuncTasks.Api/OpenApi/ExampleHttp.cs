using System.Reflection;
using System.Text.Json.Nodes;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// Runs a dialect's <see cref="IResult"/> against an in-memory request to capture the body it writes. The clock is
/// fixed and fresh GUIDs (references, op ids) are replaced by <see cref="Reference"/>, so the document is stable.
/// </summary>
internal static class ExampleHttp
{
    public const string Reference = "5e0c9d4a-3b1f-4c7e-8a2d-6f9b0e1c2d3a";

    public static DateTimeOffset Now { get; } = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);

    private static readonly IServiceProvider Services = new ServiceCollection()
        .AddLogging()
        .AddSingleton<TimeProvider>(new FixedClock(Now))
        .BuildServiceProvider();

    public static HttpContext NewContext()
    {
        var http = new DefaultHttpContext { RequestServices = Services };
        http.Request.Method = "GET";
        http.Request.Path = "/";
        return http;
    }

    public static async Task<(int Status, JsonNode? Body)> RunAsync(IResult result)
    {
        var http = NewContext();
        using var body = new MemoryStream();
        http.Response.Body = body;
        await result.ExecuteAsync(http);
        return (http.Response.StatusCode, body.Length == 0 ? null : Stabilise(JsonNode.Parse(body.ToArray())));
    }

    /// <summary>Replaces GUIDs the sample did not choose and drops the build metadata of versions (<c>0.1.0+sha</c>).</summary>
    public static JsonNode? Stabilise(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var text) && key == "version" && text.Contains('+', StringComparison.Ordinal))
                    {
                        obj[key] = text[..text.IndexOf('+', StringComparison.Ordinal)];
                    }
                    else
                    {
                        var replaced = Stabilise(value);
                        if (!ReferenceEquals(replaced, value))
                        {
                            obj[key] = replaced;
                        }
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var replaced = Stabilise(array[i]);
                    if (!ReferenceEquals(replaced, array[i]))
                    {
                        array[i] = replaced;
                    }
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var s) && Guid.TryParse(s, out var guid) && !SampleBodies.IsSampleId(guid):
                return JsonValue.Create(Reference);
            default:
                return node;
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>
/// Finds the dialect that writes an error body: the <see cref="Dialect"/> declared in the body type's namespace
/// (a dialect is one folder: its contracts and its error writer), through its static <c>Instance</c>.
/// </summary>
internal static class Dialects
{
    private static readonly Dictionary<string, Dialect> ByNamespace = typeof(Dialect).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Dialect)) && !t.IsAbstract && t.Namespace is not null)
        .Select(t => (t.Namespace!, Instance: t.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as Dialect))
        .Where(d => d.Instance is not null)
        .GroupBy(d => d.Item1)
        .ToDictionary(g => g.Key, g => g.First().Instance!, StringComparer.Ordinal);

    public static Dialect? For(Type bodyType) => bodyType.Namespace is { } ns ? ByNamespace.GetValueOrDefault(ns) : null;
}
