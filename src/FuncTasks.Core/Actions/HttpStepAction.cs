using System.Net;
using System.Text;
using System.Text.Json;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Actions;

/// <summary>
/// <c>http</c>: calls <c>url</c> with <c>method</c> (default POST), <c>body</c>, <c>headers</c> (a JSON object)
/// and <c>timeoutSeconds</c> (default 30). Only hosts in <c>FuncTasks:Http:AllowedHosts</c> may be called, checked
/// by <see cref="HttpDestinationGuard"/> when the step is created or restarted, before every request and redirect,
/// and in the connection itself. A non-2xx answer or a timeout fails the step with the status code and at most
/// 1 KB of the body.
/// </summary>
public sealed class HttpStepAction(IHttpClientFactory clients, HttpDestinationGuard guard, IOptions<HttpActionOptions> options) : IStepAction
{
    public const string ActionName = "http";
    public const string ClientName = "FuncTasks.HttpStep";
    private static readonly string[] KnownMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    private static readonly HashSet<string> CredentialHeaders = new(["Authorization", "Proxy-Authorization", "Cookie"], StringComparer.OrdinalIgnoreCase);

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
        else if (guard.Check(uri) is { } refused)
        {
            yield return $"Parameter 'url' may not be called: {refused}.";
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
        ArgumentNullException.ThrowIfNull(context);
        var p = context.Params;
        var uri = new Uri(p.GetString("url") ?? throw new ArgumentException("The http action needs a 'url' parameter."));
        var method = new HttpMethod((p.GetString("method") ?? "POST").ToUpperInvariant());
        var body = p.GetString("body");
        var headers = ParseHeaders(p.GetString("headers") ?? "{}") ?? [];
        var timeout = TimeSpan.FromSeconds(p.GetLong("timeoutSeconds") ?? 30);
        var maxRedirects = options.Value.MaxRedirects;

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var client = clients.CreateClient(ClientName);
        var target = uri;
        var crossOrigin = false;
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                if (guard.Check(target) is { } refused)
                {
                    throw new HttpHostNotAllowedException($"{method.Method} {HttpDestinationGuard.Redact(target)} was refused: {refused}; no connection was made.", refused);
                }

                using var request = CreateRequest(context, method, target, body, headers, crossOrigin);
                using var response = await SendAsync(client, request, timeoutSource.Token);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(target, location);
                    var from = $"{method.Method} {HttpDestinationGuard.Redact(target)} answered {(int)response.StatusCode} redirecting to {HttpDestinationGuard.Redact(next)}";
                    if (redirects >= maxRedirects)
                    {
                        throw new HttpStepException($"{from}; not followed: FuncTasks:Http:MaxRedirects is {maxRedirects}.", response.StatusCode);
                    }

                    if (target.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
                    {
                        throw new HttpHostNotAllowedException($"{from}; not followed: a redirect from https to http is refused.", "a redirect from https to http");
                    }

                    if (guard.Check(next) is { } why)
                    {
                        throw new HttpHostNotAllowedException($"{from}; not followed: {why}; no connection was made.", why);
                    }

                    crossOrigin |= Uri.Compare(next, uri, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0;
                    (method, body) = Redirected(response.StatusCode, method, body);
                    target = next;
                    continue;
                }

                var excerpt = await ReadExcerptAsync(response, options.Value.MaxResponseExcerptBytes, timeoutSource.Token);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpStepException(method.Method, target, response.StatusCode, excerpt) { RetryAfter = RetryAfter(response) };
                }

                return StepResult.Completed($"{(int)response.StatusCode} {excerpt}".TrimEnd());
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpStepException(method.Method, target, timeout, ex);
        }
    }

    /// <summary>The answer's <c>Retry-After</c> as a wait (a delta, or a date counted from the answer's own <c>Date</c>).</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when response.Headers.Date is { } sent => date > sent ? date - sent : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>A refusal in the connect callback reaches us wrapped in an HttpRequestException: surface it as itself.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (RefusalIn(ex) is { } refusal)
        {
            throw new HttpHostNotAllowedException(
                $"{request.Method.Method} {HttpDestinationGuard.Redact(request.RequestUri!)} was refused: {refusal.Reason}; no connection was made.", refusal.Reason, ex);
        }
    }

    private static HttpHostNotAllowedException? RefusalIn(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpHostNotAllowedException refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    private static HttpRequestMessage CreateRequest(
        StepContext context, HttpMethod method, Uri target, string? body, Dictionary<string, string> headers, bool crossOrigin)
    {
        // HTTP/1.1 or lower: HTTP/3 (QUIC) would not go through the guarded connect callback.
        var request = new HttpRequestMessage(method, target) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            if (crossOrigin && CredentialHeaders.Contains(name))
            {
                continue; // a redirect to another origin does not carry the caller's credentials along
            }

            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation("x-functasks-step-id", context.StepId.ToString());
        request.Headers.TryAddWithoutValidation("x-functasks-attempt", context.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>What browsers and HttpClient do: 303 (and a POST answered 301/302) becomes a GET without a body; 307/308 keep both.</summary>
    private static (HttpMethod Method, string? Body) Redirected(HttpStatusCode status, HttpMethod method, string? body) =>
        (status == HttpStatusCode.SeeOther && method != HttpMethod.Head)
        || (status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && method == HttpMethod.Post)
            ? (HttpMethod.Get, null)
            : (method, body);

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

    /// <summary>Reads at most <paramref name="maxBytes"/>: a huge or endless body is never downloaded.</summary>
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
