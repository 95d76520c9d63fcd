using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>Per-key token buckets: past the burst a key gets 429 with Retry-After in its dialect's body; other keys go on.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int Burst = 5;
    private readonly FuncTasksApp _app = new(new Dictionary<string, string?>
    {
        ["FuncTasks:RateLimit:TokenLimit"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FuncTasks:RateLimit:TokensPerSecond"] = "1",
        ["FuncTasks:Runner:Enabled"] = "false",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/v1/tasks")]
    [InlineData("/v1/jobs")]
    [InlineData("/api/v1/processes/00000000-0000-0000-0000-000000000000")]
    [InlineData("/tasks")]
    public async Task Past_the_burst_a_key_gets_429_with_Retry_After_in_its_dialect_and_another_key_is_unaffected(string path)
    {
        var client = _app.Operator();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Burst; i++)
        {
            statuses.Add((await client.GetAsync(path)).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
        var refused = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 2);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!.AsObject();
        var message = path switch
        {
            "/v1/tasks" => body["errorCode"].Str() + " " + body["message"].Str(),
            "/v1/jobs" => body["errors"]![0]!["message"].Str(),
            "/tasks" => body["error_code"].Str() + " " + body["message"].Str(),
            _ => body["message"].Str() + " " + body["data"].Str(),
        };
        Assert.Contains("key test-operator", message, StringComparison.Ordinal);
        if (path == "/v1/tasks")
        {
            Assert.Equal("TOO_MANY_REQUESTS", body["errorCode"].Str());
            VcfSchema.AssertValid("Error", body.ToJsonString());
        }

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await _app.Reader().GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Guessing_keys_is_limited_per_client_address_before_any_key_check()
    {
        var guesser = _app.Client("wrong-guess");
        for (var i = 0; i < Burst; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/v1/tasks")).StatusCode);
        }

        var refused = await guesser.GetAsync("/v1/tasks");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, (await _app.Operator().GetAsync("/v1/tasks")).StatusCode);
    }
}
