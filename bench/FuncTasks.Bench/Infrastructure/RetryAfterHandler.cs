using System.Net;
using Polly;
using Polly.Retry;

namespace FuncTasks.Bench.Infrastructure;

/// <summary>
/// What a well-behaved client of the API does with a 503 or 429: waits its <c>Retry-After</c> and sends the request
/// again (creates carry an <c>Idempotency-Key</c>, so a retried POST never creates twice). Every retry is counted
/// (<see cref="Count"/>) and reported with the scenario it happened in, so an overloaded moment shows in the results
/// instead of ending the run.
/// </summary>
public sealed class RetryAfterHandler : DelegatingHandler
{
    private static int _count;

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                .HandleResult(r => r.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests),
            MaxRetryAttempts = 6,
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryAfter(args.Outcome.Result)),
            OnRetry = args =>
            {
                var n = Interlocked.Increment(ref _count);
                if (n <= 5 || n % 100 == 0)
                {
                    BenchContext.Progress($"client: {(int)args.Outcome.Result!.StatusCode} answered (retry {n} in this run), trying again in {args.RetryDelay.TotalSeconds:F1} s");
                }

                return ValueTask.CompletedTask;
            },
        })
        .Build();

    public RetryAfterHandler(HttpMessageHandler inner) => InnerHandler = inner;

    /// <summary>Retries so far in this process.</summary>
    public static int Count => Volatile.Read(ref _count);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && !request.Headers.Contains("Idempotency-Key"))
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        }

        return await _pipeline.ExecuteAsync(
            async (state, ct) =>
            {
                var response = await base.SendAsync(state, ct);
                if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
                {
                    // Drained now: the retry sends the same request again on a fresh response.
                    await response.Content.LoadIntoBufferAsync(ct);
                }

                return response;
            },
            request,
            cancellationToken);
    }

    /// <summary>The answer's Retry-After (seconds or a date), at most 10 s; 1 s when it gives none.</summary>
    private static TimeSpan RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.FromSeconds(1));
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : wait;
    }
}
