using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Notifications;

/// <summary>The subscriptions API: keys and roles, the SSRF allow-list on the URL, bad bodies, and the secret shown once.</summary>
public sealed class SubscriptionsApiTests : AppTest
{
    private static readonly InterceptedNetwork Network = new();

    public SubscriptionsApiTests() : base(new FuncTasksApp(services: Network.Install))
    {
    }

    [Fact]
    public async Task A_reader_key_cannot_subscribe_403_and_nothing_is_stored()
    {
        var response = await App.Reader().PostAsJsonAsync("/v1/subscriptions", new { url = "http://127.0.0.1:9/hook" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await response.ReadJsonAsync();
        Assert.Equal("FORBIDDEN", (string?)error["errorCode"]);
        Assert.Empty((await App.Reader().GetJsonAsync("/v1/subscriptions"))["elements"]!.AsArray());
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Anonymous().GetAsync("/v1/subscriptions")).StatusCode);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "cloud metadata")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "cloud metadata")]
    [InlineData("http://10.0.0.5/hook", "private address")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "not in FuncTasks:Http:AllowedHosts")]
    [InlineData("ftp://127.0.0.1/hook", "absolute http or https")]
    [InlineData("http://user:pw@127.0.0.1/hook", "user name or password")]
    public async Task A_URL_the_http_allow_list_refuses_is_400_and_never_connected(string url, string reason)
    {
        var before = Network.Connects.Count + Network.Lookups.Count;
        var response = await Client.PostAsJsonAsync("/v1/subscriptions", new { url });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ReadJsonAsync();
        Assert.Equal("INVALID_REQUEST", (string?)error["errorCode"]);
        Assert.Equal("url", (string?)error["context"]!["field"]);
        Assert.Contains(reason, (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(before, Network.Connects.Count + Network.Lookups.Count);
        Assert.Empty((await Client.GetJsonAsync("/v1/subscriptions"))["elements"]!.AsArray());
    }

    [Theory]
    [InlineData("not json", "application/json")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/h\"", "application/json")]
    [InlineData("[]", "application/json")]
    [InlineData("{}", "application/json")]
    [InlineData("{\"url\": 5}", "application/json")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/h\", \"events\": \"task.failed\"}", "application/json")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/h\", \"events\": [\"task.exploded\"]}", "application/json")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/h\", \"events\": [1]}", "application/json")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/h\", \"taskTypes\": [\"\"]}", "application/json")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/h\", \"enabled\": \"yes\"}", "application/json")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/h\"}", "text/plain")]
    public async Task A_malformed_body_is_400_with_the_VCF_error_and_nothing_is_stored(string body, string contentType)
    {
        var response = await Client.PostAsync("/v1/subscriptions", new StringContent(body, Encoding.UTF8, contentType));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ReadJsonAsync();
        Assert.Equal("INVALID_REQUEST", (string?)error["errorCode"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        Assert.Empty((await Client.GetJsonAsync("/v1/subscriptions"))["elements"]!.AsArray());
    }

    [Fact]
    public async Task The_secret_is_shown_once_and_a_subscription_can_be_read_patched_and_deleted()
    {
        var created = await Client.PostAsJsonAsync("/v1/subscriptions", new { url = "http://127.0.0.1:9/hook", events = new[] { "task.failed" }, description = "on-call" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var id = body["id"].Str();
        Assert.Equal($"/v1/subscriptions/{id}", created.Headers.Location?.ToString());
        var secret = body["secret"].Str();
        Assert.Matches("^whsec_[A-Za-z0-9+/]+=*$", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Equal(["task.failed"], body["events"]!.AsArray().Select(e => (string)e!).ToArray());

        var read = await App.Reader().GetJsonAsync($"/v1/subscriptions/{id}");
        Assert.Null(read["secret"]);
        Assert.DoesNotContain(secret, read.ToJsonString(), StringComparison.Ordinal);
        Assert.True((bool?)read["enabled"]);
        Assert.Equal(0, (long?)read["deliveries"]!["delivered"]);
        var list = await App.Reader().GetJsonAsync("/v1/subscriptions");
        Assert.DoesNotContain(secret, list.ToJsonString(), StringComparison.Ordinal);
        Assert.Single(list["elements"]!.AsArray());

        var patched = await Client.PatchAsync($"/v1/subscriptions/{id}", JsonContent.Create(new { enabled = false, events = Array.Empty<string>() }));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var after = await patched.ReadJsonAsync();
        Assert.False((bool?)after["enabled"]);
        Assert.Empty(after["events"]!.AsArray());
        Assert.Equal("on-call", (string?)after["description"]);

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PatchAsync($"/v1/subscriptions/{id}", JsonContent.Create(new { }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.Reader().PatchAsync($"/v1/subscriptions/{id}", JsonContent.Create(new { enabled = true }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PatchAsync($"/v1/subscriptions/{id}", JsonContent.Create(new { url = "http://169.254.169.254/" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await App.Reader().GetAsync($"/v1/subscriptions/{id}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await App.Reader().GetAsync($"/v1/subscriptions/{id}/deliveries?limit=0")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await App.Reader().DeleteAsync($"/v1/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/v1/subscriptions/{id}")).StatusCode);
        var gone = await Client.GetAsync($"/v1/subscriptions/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("SUBSCRIPTION_NOT_FOUND", (string?)(await gone.ReadJsonAsync())["errorCode"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync($"/v1/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/v1/subscriptions/not-a-guid")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/v1/subscriptions/{Guid.NewGuid()}/deliveries")).StatusCode);
    }
}
