using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>
/// The wait before a step's next attempt: the policy's wait (<see cref="StepRetryPolicy.BaseWait"/>) plus jitter of 0 to
/// <see cref="JitterFraction"/> of it, so the wait is never shorter than the policy's and at most 20 % longer (steps
/// failing together do not all come back in the same instant); a longer <c>Retry-After</c> of the failure wins (up to one day).
/// </summary>
public static class RetryBackoff
{
    /// <summary>The most jitter adds to a wait, as a fraction of it.</summary>
    public const double JitterFraction = 0.2;

    /// <param name="failedAttempts">Attempts of the current set that have failed (1 after the first failure).</param>
    /// <param name="unit">A number in [0, 1) that picks the jitter (random in production, fixed in tests).</param>
    public static TimeSpan Wait(StepRetryPolicy policy, int failedAttempts, TimeSpan? retryAfter, double unit)
    {
        var baseWait = policy.BaseWait(failedAttempts);
        var jitter = TimeSpan.FromTicks((long)(baseWait.Ticks * JitterFraction * Math.Clamp(unit, 0, 1)));
        var wait = baseWait + jitter;
        var asked = retryAfter is { } r ? TimeSpan.FromSeconds(Math.Min(r.TotalSeconds, StepRetryPolicy.MaxIntervalCapSeconds)) : TimeSpan.Zero;
        return asked > wait ? asked : wait;
    }
}
