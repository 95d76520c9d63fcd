using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FuncTasks.Api.Pipeline;

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
