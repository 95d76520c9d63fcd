using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>The request deadline blames the right party: a body that does not arrive in time is the client's 400, not a 503.</summary>
public sealed class RequestDeadlineTests
{
    [Fact]
    public async Task A_body_that_stalls_past_the_request_timeout_is_400_and_stores_nothing()
    {
        // Kestrel, not the in-memory test server: the body has to arrive over a real connection, slowly.
        await using var settings = new FuncTasksApp(new Dictionary<string, string?> { ["FuncTasks:Api:RequestTimeout"] = "00:00:01" });
        await using var host = await LocalHostProcess.StartAsync(settings.Settings);
        using var client = new HttpClient { BaseAddress = new Uri(host.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FuncTasksApp.OperatorKey);
        using var stalled = new StalledBody("""{"name":"slow","steps":[""");

        var response = await client.PostAsync("/v1/tasks", stalled.Content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ReadJsonAsync();
        Assert.Contains("did not arrive completely within 1 s", error["message"].Str(), StringComparison.Ordinal);
        // The check read runs under the same 1 s deadline: on a loaded machine it may be told to come back later (503 +
        // Retry-After), which is what a client does here.
        using var listed = await Eventually.Value(
            () => client.GetAsync("/v1/tasks"),
            r => r.StatusCode != HttpStatusCode.ServiceUnavailable,
            "GET /v1/tasks to answer other than 503",
            describe: r => ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
            every: TimeSpan.FromMilliseconds(500));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var page = await listed.ReadJsonAsync();
        Assert.Empty(page["elements"]!.AsArray());
        Assert.DoesNotContain("Storage unavailable", host.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FuncTasks:Api:RequestTimeout", "00:00:00")]
    [InlineData("FuncTasks:Api:RequestTimeout", "-00:00:05")]
    [InlineData("FuncTasks:Api:UnavailableRetryAfter", "00:00:00")]
    public void A_request_timeout_or_retry_after_below_one_second_stops_the_host_at_start(string key, string value)
    {
        Assert.Null(StartupValidation.Refusal(new Dictionary<string, string?> { [key] = "00:00:01" }));

        var error = StartupValidation.Refusal(new Dictionary<string, string?> { [key] = value });

        Assert.NotNull(error);
        Assert.Contains(key.Split(':').Last(), error.Message, StringComparison.Ordinal);
    }

    /// <summary>A request body that sends its first bytes, then the rest only 5 s later (or when disposed).</summary>
    private sealed class StalledBody : IDisposable
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StalledBody(string start)
        {
            Content = new Stalling(Encoding.UTF8.GetBytes(start), _release.Task);
            Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public HttpContent Content { get; }

        public void Dispose()
        {
            _release.TrySetResult();
            Content.Dispose();
        }

        private sealed class Stalling(byte[] start, Task release) : HttpContent
        {
            protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            {
                await stream.WriteAsync(start);
                await stream.FlushAsync();
                // The rest would come 5 s later: well past the 1 s request timeout (or at once when the test ends).
                await Task.WhenAny(release, Task.Delay(TimeSpan.FromSeconds(5)));
                await stream.WriteAsync(Encoding.UTF8.GetBytes("]}"));
            }

            protected override bool TryComputeLength(out long length)
            {
                length = 0;
                return false;
            }
        }
    }
}
