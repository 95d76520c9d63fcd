using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Engine;

/// <summary>
/// How this process rides out a storage outage (storage unreachable, or answering 5xx, after the SDK's own retries):
/// the caller waits a bounded exponential back-off with jitter and tries again, instead of failing the run and
/// waiting for its message to reappear. One instance per host, so an outage is logged once when it starts and once
/// when it ends, not once per worker and try. Without an <see cref="IStorageFaults"/> nothing counts as an outage
/// (every error propagates as before).
/// </summary>
public sealed partial class StorageOutage(
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<StorageOutage> logger,
    IStorageFaults? faults = null)
{
    private readonly EngineOptions _options = options.Value;
    private long _since;
    private long _failures;

    /// <summary>True while the last storage call this host made through here failed with an outage.</summary>
    public bool InOutage => Volatile.Read(ref _since) != 0;

    /// <summary>Storage could not be reached or failed on its side: trying again later can succeed.</summary>
    public bool IsOutage(Exception exception) => faults?.IsUnavailable(exception) == true;

    /// <summary>
    /// Runs <paramref name="call"/> until it does not fail with an outage, waiting between tries; only
    /// <paramref name="waitCancellation"/> ends the waiting (with <see cref="OperationCanceledException"/>, also when it
    /// was cancelled during the try that failed). Any other exception propagates at once.
    /// </summary>
    public async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken waitCancellation)
    {
        for (var failures = 0; ; )
        {
            try
            {
                var result = await call();
                Recovered();
                return result;
            }
            catch (Exception ex) when (IsOutage(ex))
            {
                // A try ended by this caller's own cancellation (shutdown) is not an outage to report: end here.
                waitCancellation.ThrowIfCancellationRequested();
                Failed(ex);
                await WaitAsync(++failures, waitCancellation);
            }
        }
    }

    public Task RetryAsync(Func<Task> call, CancellationToken waitCancellation) =>
        RetryAsync(async () =>
        {
            await call();
            return true;
        }, waitCancellation);

    /// <summary>Waits the back-off before try number <paramref name="failures"/> + 1.</summary>
    public Task WaitAsync(int failures, CancellationToken cancellationToken) => Task.Delay(Backoff(failures), time, cancellationToken);

    /// <summary>
    /// "Equal jitter": half of the exponential step for sure, the other half at random, so workers that failed
    /// together do not all come back in the same instant; never more than <see cref="EngineOptions.OutageBackoffMax"/>.
    /// </summary>
    public TimeSpan Backoff(int failures)
    {
        var first = Math.Max(1, _options.OutageBackoff.Ticks);
        var max = Math.Max(first, _options.OutageBackoffMax.Ticks);
        var step = Math.Min(max, first * Math.Pow(2, Math.Clamp(failures - 1, 0, 30)));
        return TimeSpan.FromTicks((long)((step / 2) + (Random.Shared.NextDouble() * step / 2)));
    }

    /// <summary>A storage call failed with an outage: logged when it is the first of this outage.</summary>
    public void Failed(Exception exception)
    {
        Interlocked.Increment(ref _failures);
        if (Interlocked.CompareExchange(ref _since, Math.Max(1, time.GetTimestamp()), 0) == 0)
        {
            LogOutageStarted(exception, _options.OutageBackoffMax.TotalSeconds);
        }
    }

    /// <summary>A storage call succeeded: ends the outage, if there was one, with one log line.</summary>
    public void Recovered()
    {
        if (Volatile.Read(ref _since) == 0)
        {
            return;
        }

        var since = Interlocked.Exchange(ref _since, 0);
        if (since != 0)
        {
            LogOutageEnded(time.GetElapsedTime(since).TotalSeconds, Interlocked.Exchange(ref _failures, 0));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage is unavailable: runs hold their results and retry with back-off (at most {MaxBackoffSeconds} s between tries) until it returns")]
    private partial void LogOutageStarted(Exception exception, double maxBackoffSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage is available again after {OutageSeconds:0.0} s ({FailedCalls} failed calls retried)")]
    private partial void LogOutageEnded(double outageSeconds, long failedCalls);
}
