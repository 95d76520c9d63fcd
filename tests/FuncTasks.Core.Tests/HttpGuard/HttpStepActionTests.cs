using System.Collections.Concurrent;
using System.Net;
using System.Text;
using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;
using Moq;

namespace FuncTasks.Core.Tests.HttpGuard;

/// <summary>
/// The http action with the guard: create-time validation, the guarded connection (through stubs: nothing leaves
/// loopback), redirects followed by the action itself with every target checked, capped bodies, redacted URLs.
/// </summary>
public sealed class HttpStepActionTests
{
    private readonly StubResolver _dns = new();
    private readonly RecordingConnector _connector = new();

    private HttpStepAction Action(HttpActionOptions options, HttpMessageHandler? handler = null)
    {
        var guard = Guards.Guard(options, _dns, _connector);
        var clients = new Mock<IHttpClientFactory>();
        clients.Setup(f => f.CreateClient(HttpStepAction.ClientName)).Returns(() => new HttpClient(handler ?? guard.CreateHandler(), disposeHandler: handler is null));
        return new HttpStepAction(clients.Object, guard, Microsoft.Extensions.Options.Options.Create(options));
    }

    private static StepContext Step(string url, string method = "POST", string? body = null, string? headers = null)
    {
        var p = new Dictionary<string, ParamValue> { ["url"] = ParamValue.Of(url), ["method"] = ParamValue.Of(method) };
        if (body is not null)
        {
            p["body"] = ParamValue.Of(body);
        }

        if (headers is not null)
        {
            p["headers"] = ParamValue.Of(headers);
        }

        return new StepContext(Guid.NewGuid(), Guid.NewGuid(), "call", 1, p);
    }

    [Theory]
    [InlineData("http://10.0.0.5/hook", "Parameter 'url' may not be called: host '10.0.0.5' is a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "host '169.254.169.254' is the cloud metadata address")]
    [InlineData("http://[::ffff:a9fe:a9fe]/", "is the cloud metadata address (link-local) (IPv4-mapped 169.254.169.254)")]
    [InlineData("http://hooks.example.com/", "host 'hooks.example.com' is not in FuncTasks:Http:AllowedHosts")]
    public void Validate_refuses_a_host_that_is_not_allowed(string url, string expected)
    {
        var problems = Action(Guards.Options()).Validate(Step(url).Params).ToList();

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://[::1]:8080/hook")]
    public void Validate_accepts_loopback_urls_with_the_default_list(string url)
    {
        Assert.Empty(Action(Guards.Options()).Validate(Step(url).Params));
    }

    [Fact]
    public async Task A_listed_name_rebound_to_a_private_address_fails_the_step_naming_host_address_and_reason_without_connecting()
    {
        _dns.Answer("hooks.example.com", "10.0.0.5");

        var refused = await Assert.ThrowsAsync<HttpHostNotAllowedException>(() =>
            Action(Guards.Options("hooks.example.com")).ExecuteAsync(Step("http://deploy:s3cret@hooks.example.com/hook"), default));

        Assert.Equal(
            "POST http://hooks.example.com/hook was refused: host 'hooks.example.com' resolves to 10.0.0.5, a private address, " +
            "which no IP or CIDR entry of FuncTasks:Http:AllowedHosts covers; no connection was made.",
            refused.Message);
        Assert.DoesNotContain("s3cret", Chain(refused));
        Assert.Empty(_connector.Attempts);
    }

    [Fact]
    public async Task A_listed_name_that_resolves_to_a_public_address_is_called_through_the_checked_address()
    {
        await using var server = new LoopbackHttpServer(body: new string('x', 5000));
        _dns.Answer("api.example.com", "93.184.216.34");
        var publicEndpoint = new IPEndPoint(IPAddress.Parse("93.184.216.34"), 80);
        _connector.Routes[publicEndpoint] = server.EndPoint;

        var result = await Action(Guards.Options("api.example.com")).ExecuteAsync(Step("http://api.example.com/hook", "GET"), default);

        Assert.Equal([publicEndpoint], _connector.Attempts);
        Assert.Equal("200 " + new string('x', 1024), result.Output);
        Assert.Contains("Host: api.example.com", Assert.Single(server.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_the_metadata_address_is_not_followed()
    {
        var handler = new ScriptedHandler(_ => Redirect(HttpStatusCode.Found, "http://169.254.169.254/latest/meta-data/iam"));

        var refused = await Assert.ThrowsAsync<HttpHostNotAllowedException>(() =>
            Action(Guards.Options(), handler).ExecuteAsync(Step("http://127.0.0.1:8080/start"), default));

        Assert.StartsWith("POST http://127.0.0.1:8080/start answered 302 redirecting to http://169.254.169.254/latest/meta-data/iam; not followed: " +
            "host '169.254.169.254' is the cloud metadata address (link-local)", refused.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_redirect_to_a_listed_name_that_resolves_to_a_private_address_is_stopped_in_the_connection()
    {
        await using var server = new LoopbackHttpServer("302 Found\r\nLocation: http://internal.example.com/admin", "");
        _dns.Answer("internal.example.com", "192.168.1.20");

        var refused = await Assert.ThrowsAsync<HttpHostNotAllowedException>(() =>
            Action(Guards.Options("127.0.0.1", "internal.example.com")).ExecuteAsync(Step($"http://127.0.0.1:{server.EndPoint.Port}/start", "GET"), default));

        Assert.Contains("GET http://internal.example.com/admin was refused: host 'internal.example.com' resolves to 192.168.1.20, a private address", refused.Message);
        Assert.Equal([server.EndPoint], _connector.Attempts);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Redirects_are_followed_like_a_browser_and_credentials_do_not_cross_origins()
    {
        var handler = new ScriptedHandler(r => r.RequestUri!.AbsolutePath switch
        {
            "/a" => Redirect(HttpStatusCode.TemporaryRedirect, "/b"),
            "/b" => Redirect(HttpStatusCode.SeeOther, "http://localhost:9090/c"),
            _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("done") },
        });

        var result = await Action(Guards.Options(), handler).ExecuteAsync(
            Step("http://127.0.0.1:8080/a", "POST", "{\"x\":1}", """{"Authorization":"Bearer t0ken","X-Trace":"abc"}"""), default);

        Assert.Equal("200 done", result.Output);
        var (a, b, c) = (handler.Requests[0], handler.Requests[1], handler.Requests[2]);
        Assert.Equal(("POST", "{\"x\":1}", "Bearer t0ken"), (a.Method, a.Body, a.Authorization));
        Assert.Equal(("POST", "{\"x\":1}", "Bearer t0ken"), (b.Method, b.Body, b.Authorization));
        Assert.Equal(("GET", (string?)null, (string?)null), (c.Method, c.Body, c.Authorization));
        Assert.Equal("abc", c.Trace);
    }

    [Fact]
    public async Task More_redirects_than_allowed_fail_the_step()
    {
        var options = Guards.Options();
        options.MaxRedirects = 2;
        var handler = new ScriptedHandler(r => Redirect(HttpStatusCode.MovedPermanently, r.RequestUri!.AbsolutePath + "x"));

        var failed = await Assert.ThrowsAsync<HttpStepException>(() => Action(options, handler).ExecuteAsync(Step("http://127.0.0.1:8080/r", "GET"), default));

        Assert.Contains("answered 301 redirecting to http://127.0.0.1:8080/rxxx; not followed: FuncTasks:Http:MaxRedirects is 2", failed.Message);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task A_redirect_from_https_to_http_is_refused()
    {
        var handler = new ScriptedHandler(_ => Redirect(HttpStatusCode.Found, "http://localhost/plain"));

        var refused = await Assert.ThrowsAsync<HttpHostNotAllowedException>(() => Action(Guards.Options(), handler).ExecuteAsync(Step("https://localhost/secure", "GET"), default));

        Assert.Contains("a redirect from https to http is refused", refused.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_failed_call_names_the_url_without_its_user_info()
    {
        var handler = new ScriptedHandler(_ => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("boom") });

        var failed = await Assert.ThrowsAsync<HttpStepException>(() =>
            Action(Guards.Options(), handler).ExecuteAsync(Step("http://deploy:s3cret@127.0.0.1:8080/x?y=1"), default));

        Assert.Equal("POST http://127.0.0.1:8080/x?y=1 answered 500 (InternalServerError): boom", failed.Message);
    }

    private static HttpResponseMessage Redirect(HttpStatusCode status, string location)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
        return response;
    }

    private static string Chain(Exception exception)
    {
        var text = new StringBuilder();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            text.AppendLine(e.Message);
        }

        return text.ToString();
    }

    private sealed record Seen(string Method, Uri Uri, string? Body, string? Authorization, string? Trace);

    /// <summary>Answers from a script and records each request (no network at all).</summary>
    private sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        private readonly ConcurrentQueue<Seen> _seen = new();

        public IReadOnlyList<Seen> Requests => [.. _seen];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            _seen.Enqueue(new Seen(request.Method.Method, request.RequestUri!, string.IsNullOrEmpty(body) ? null : body,
                request.Headers.TryGetValues("Authorization", out var auth) ? auth.Single() : null,
                request.Headers.TryGetValues("X-Trace", out var trace) ? trace.Single() : null));
            return answer(request);
        }
    }
}
