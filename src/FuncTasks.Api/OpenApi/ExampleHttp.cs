using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncTasks.Api.Pipeline;
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

    /// <summary>The status and body <paramref name="result"/> writes; <paramref name="keep"/>: ids of a dialect's own samples.</summary>
    public static async Task<(int Status, JsonNode? Body)> RunAsync(IResult result, params Guid[] keep)
    {
        var http = NewContext();
        using var body = new MemoryStream();
        http.Response.Body = body;
        await result.ExecuteAsync(http);
        return (http.Response.StatusCode, body.Length == 0 ? null : Stabilise(JsonNode.Parse(body.ToArray()), keep));
    }

    /// <summary>A body as a dialect writes it with its <paramref name="options"/>, stabilised.</summary>
    public static JsonNode? Write(object body, JsonSerializerOptions options, params Guid[] keep) =>
        Stabilise(JsonSerializer.SerializeToNode(body, options), keep);

    /// <summary>
    /// Replaces GUIDs the samples did not choose (the sample task's, <paramref name="keep"/>) and drops the build
    /// metadata of versions (<c>0.1.0+sha</c>).
    /// </summary>
    public static JsonNode? Stabilise(JsonNode? node, Guid[] keep)
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
                        var replaced = Stabilise(value, keep);
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
                    var replaced = Stabilise(array[i], keep);
                    if (!ReferenceEquals(replaced, array[i]))
                    {
                        array[i] = replaced;
                    }
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var s) && Guid.TryParse(s, out var guid) && !SampleTask.IsSampleId(guid) && !keep.Contains(guid):
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
