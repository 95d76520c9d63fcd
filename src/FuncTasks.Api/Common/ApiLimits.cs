using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FuncTasks.Api.Common;

/// <summary>How long a request may take and what an outage answers (configuration section <c>FuncTasks:Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "FuncTasks:Api";

    /// <summary>
    /// Longest a request may work; past it the request is cancelled and answered 503 with <c>Retry-After</c>
    /// (storage that hangs instead of refusing still gets a prompt answer).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>Retry-After</c> of a 503 when storage cannot be reached.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Per-key request rate (configuration section <c>FuncTasks:RateLimit</c>): a token bucket per API key (per client
/// address for requests without a valid key), <see cref="TokenLimit"/> requests at once and
/// <see cref="TokensPerSecond"/> a second after that.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "FuncTasks:RateLimit";

    public bool Enabled { get; set; } = true;

    /// <summary>The burst: how many requests a key may make at once.</summary>
    [Range(1, 1_000_000)]
    public int TokenLimit { get; set; } = 200;

    /// <summary>The sustained rate per key.</summary>
    [Range(1, 1_000_000)]
    public int TokensPerSecond { get; set; } = 100;
}

/// <summary>
/// The partitioned token-bucket limiter of System.Threading.RateLimiting (the limiters behind
/// Microsoft.AspNetCore.RateLimiting), applied by <see cref="Dialect.RunAsync"/> rather than by the ASP.NET Core
/// middleware: the Functions isolated worker does not run ASP.NET Core middleware, and a refusal must be written in
/// the dialect's own error body.
/// </summary>
public sealed class ApiRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public ApiRateLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        if (o.Enabled)
        {
            _limiter = PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetTokenBucketLimiter(partition, _ =>
                new TokenBucketRateLimiterOptions
                {
                    TokenLimit = o.TokenLimit,
                    TokensPerPeriod = o.TokensPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        }
    }

    /// <summary>Null when the request may go on; otherwise how long the key should wait.</summary>
    public TimeSpan? Refuse(string partition)
    {
        if (_limiter is null)
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire(partition);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter?.Dispose();
}

/// <summary>OpenAPI metadata shared by every endpoint of a dialect.</summary>
public static class DialectMetadata
{
    /// <summary>Every endpoint may answer 429 (over the key's rate) and 503 (storage unavailable) in the dialect's error body.</summary>
    public static TBuilder ProducesLimits<TBuilder>(this TBuilder builder, Type errorBody) where TBuilder : Microsoft.AspNetCore.Builder.IEndpointConventionBuilder =>
        Microsoft.AspNetCore.Builder.RoutingEndpointConventionBuilderExtensions.WithMetadata(builder,
            new Microsoft.AspNetCore.Http.ProducesResponseTypeMetadata(429, errorBody, ["application/json"]),
            new Microsoft.AspNetCore.Http.ProducesResponseTypeMetadata(503, errorBody, ["application/json"]));
}
