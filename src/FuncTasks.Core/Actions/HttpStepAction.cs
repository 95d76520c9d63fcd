using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Actions;

/// <summary>
/// <c>http</c>: calls <c>url</c> with <c>method</c> (default POST), <c>body</c>, <c>headers</c> (a JSON object)
/// and <c>timeoutSeconds</c> (default 30). Only hosts in <c>FuncTasks:Http:AllowedHosts</c> may be called.
/// A non-2xx answer or a timeout fails the step with the status code and at most 1 KB of the body.
/// </summary>
public sealed class HttpStepAction(IHttpClientFactory clients, IOptions<HttpActionOptions> options) : IStepAction
{
    public const string ActionName = "http";
    public const string ClientName = "FuncTasks.HttpStep";
    private static readonly string[] KnownMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public string Name => ActionName;

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters)
    {
        var url = parameters.GetValueOrDefault("url");
        if (url is null || url.Type != ParamType.STRING || string.IsNullOrWhiteSpace(url.StrValue))
        {
            yield return "The http action needs a 'url' parameter of type STRING.";
        }
        else if (!Uri.TryCreate(url.StrValue, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"Parameter 'url' must be an absolute http or https URL, not '{url.StrValue}'.";
        }

        foreach (var name in new[] { "method", "body", "headers" })
        {
            if (parameters.TryGetValue(name, out var value) && value.Type != ParamType.STRING)
            {
                yield return $"Parameter '{name}' must be of type STRING.";
            }
        }

        if (parameters.GetString("method") is { } method && !KnownMethods.Contains(method.ToUpperInvariant()))
        {
            yield return $"Parameter 'method' must be one of {string.Join(", ", KnownMethods)}.";
        }

        if (parameters.GetString("headers") is { } headers && ParseHeaders(headers) is null)
        {
            yield return "Parameter 'headers' must be a JSON object of header names to string values.";
        }

        if (parameters.TryGetValue("timeoutSeconds", out var timeout) && (timeout.Type != ParamType.LONG || timeout.LongValue is < 1 or > 3600))
        {
            yield return "Parameter 'timeoutSeconds' must be a LONG between 1 and 3600.";
        }
    }

    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var p = context.Params;
        var uri = new Uri(p.GetString("url") ?? throw new ArgumentException("The http action needs a 'url' parameter."));
        var method = new HttpMethod((p.GetString("method") ?? "POST").ToUpperInvariant());
        if (!IsAllowed(uri))
        {
            throw new HttpHostNotAllowedException(uri.Host);
        }

        var timeout = TimeSpan.FromSeconds(p.GetLong("timeoutSeconds") ?? 30);
        using var request = new HttpRequestMessage(method, uri);
        if (p.GetString("body") is { } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in ParseHeaders(p.GetString("headers") ?? "{}") ?? [])
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation("x-functasks-step-id", context.StepId.ToString());
        request.Headers.TryAddWithoutValidation("x-functasks-attempt", context.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var client = clients.CreateClient(ClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token);
            var excerpt = await ReadExcerptAsync(response, options.Value.MaxResponseExcerptBytes, timeoutSource.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpStepException(method.Method, uri, response.StatusCode, excerpt);
            }

            return StepResult.Completed($"{(int)response.StatusCode} {excerpt}".TrimEnd());
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpStepException(method.Method, uri, timeout, ex);
        }
    }

    public bool IsAllowed(Uri uri)
    {
        IEnumerable<string> allowed = options.Value.AllowedHosts.Count > 0 ? options.Value.AllowedHosts : HttpActionOptions.DefaultAllowedHosts;
        var host = uri.IdnHost.Trim('[', ']');
        return allowed.Any(a => string.Equals(a.Trim('[', ']'), host, StringComparison.OrdinalIgnoreCase));
    }

    private static Dictionary<string, string>? ParseHeaders(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> ReadExcerptAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[maxBytes];
        var read = 0;
        while (read < maxBytes)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read, maxBytes - read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}

/// <summary>An <c>http</c> step's call failed: a non-2xx status (with the body excerpt) or a timeout.</summary>
public sealed class HttpStepException : Exception
{
    public HttpStepException(string method, Uri uri, HttpStatusCode status, string bodyExcerpt)
        : base($"{method} {uri} answered {(int)status} ({status}): {bodyExcerpt}")
    {
        StatusCode = (int)status;
        BodyExcerpt = bodyExcerpt;
    }

    public HttpStepException(string method, Uri uri, TimeSpan timeout, Exception inner)
        : base($"{method} {uri} timed out after {timeout.TotalSeconds:0.###} s.", inner)
    {
    }

    public int? StatusCode { get; }
    public string? BodyExcerpt { get; }
}

/// <summary>The step's URL names a host that is not in <c>FuncTasks:Http:AllowedHosts</c>.</summary>
public sealed class HttpHostNotAllowedException(string host)
    : Exception($"Host '{host}' is not in FuncTasks:Http:AllowedHosts; the call was not made.");
