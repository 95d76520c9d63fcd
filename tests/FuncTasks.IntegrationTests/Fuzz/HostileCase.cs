using System.Net.Http.Headers;
using System.Text;

namespace FuncTasks.IntegrationTests.Fuzz;

/// <summary>
/// One hostile request: invalid by construction (<see cref="Mutations"/> names the invalidating changes made to an
/// otherwise valid request, at least one), plus noise that a valid request could carry too.
/// </summary>
public sealed record HostileCase(
    ApiEndpoint Endpoint,
    string Path,
    string Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[]? Body,
    string? ContentType,
    bool Chunked,
    IReadOnlyList<string> Mutations)
{
    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(new HttpMethod(Endpoint.Method), Path + Query);
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (Body is not null)
        {
            // Without a length the body goes chunked: the server has to count what arrives.
            request.Content = Chunked ? new StreamContent(new UnknownLengthStream(Body)) : new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return request;
    }

    /// <summary>What a failing case prints: enough to see and replay it (CsCheck prints the seed next to it).</summary>
    public override string ToString()
    {
        var body = Body is null ? "none" : $"{Body.Length} bytes{(Chunked ? " chunked" : string.Empty)}: {Preview(Body)}";
        var headers = string.Join(", ", Headers.Select(h => $"{h.Key}: {Cut(h.Value, 60)}"));
        return $"{Endpoint.Method} {Cut(Path + Query, 300)} [{string.Join("; ", Mutations)}] headers {{{headers}}} content-type {ContentType ?? "none"} body {body}";
    }

    private static string Preview(byte[] body) => Cut(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400)), 300);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + $"…({text.Length})";

    /// <summary>A readable stream that does not tell its length, so HttpClient sends it without Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;
    }
}

/// <summary>The header names a hostile case plays with.</summary>
public static class FuzzHeaders
{
    public const string Authorization = "Authorization";
    public const string FunctionsKey = "x-functions-key";
    public const string IdempotencyKey = "Idempotency-Key";
    public const string AgentId = "X-Agent-Id";

    /// <summary>Set by the fuzz app on every answer: the endpoint that handled the request.</summary>
    public const string RoutedTo = "x-fuzz-endpoint";

    public static KeyValuePair<string, string> Bearer(string secret) => new(Authorization, new AuthenticationHeaderValue("Bearer", secret).ToString());
}
