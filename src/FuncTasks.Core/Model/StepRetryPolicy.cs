namespace FuncTasks.Core.Model;

/// <summary>
/// How a step is tried again after a transient failure: at most <see cref="MaxAttempts"/> attempts in all; the wait
/// before attempt n+1 is min(<see cref="IntervalSeconds"/> × <see cref="BackoffRate"/>^(n−1), <see cref="MaxIntervalSeconds"/>),
/// lengthened by jitter (never shortened, see <see cref="Engine.RetryBackoff"/>). <see cref="NonRetryable"/> names error
/// classes (<see cref="Engine.ErrorClasses"/>) that are not retried although they are transient.
/// </summary>
public sealed record StepRetryPolicy
{
    /// <summary>The most attempts a policy may ask for.</summary>
    public const int MaxAttemptsCap = 10;

    /// <summary>The longest wait a policy may ask for between two attempts (one day).</summary>
    public const double MaxIntervalCapSeconds = 86_400;

    /// <summary>The highest backoff rate a policy may ask for.</summary>
    public const double MaxBackoffRate = 10;

    public int MaxAttempts { get; init; } = 1;

    public double IntervalSeconds { get; init; } = 1;

    public double BackoffRate { get; init; } = 2;

    public double MaxIntervalSeconds { get; init; } = 60;

    public IReadOnlyList<string>? NonRetryable { get; init; }

    /// <summary>One attempt, no retry: the behaviour when nothing is configured.</summary>
    public static StepRetryPolicy Once { get; } = new();

    /// <summary>The wait the policy asks for before attempt <paramref name="failedAttempts"/> + 1, before jitter.</summary>
    public TimeSpan BaseWait(int failedAttempts)
    {
        var seconds = IntervalSeconds * Math.Pow(BackoffRate, Math.Max(0, failedAttempts - 1));
        seconds = Math.Min(double.IsFinite(seconds) ? seconds : double.MaxValue, MaxIntervalSeconds);
        return TimeSpan.FromSeconds(Math.Max(0, seconds));
    }

    /// <summary>True when the policy leaves failures of this class alone.</summary>
    public bool Excludes(string errorClass, int? httpStatus) =>
        NonRetryable is { } list && list.Any(n => string.Equals(n, errorClass, StringComparison.OrdinalIgnoreCase)
            || (httpStatus is { } status && n == status.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The first problem of the policy as (field suffix, message), or null when it is valid.</summary>
    public (string Field, string Message)? Problem()
    {
        if (MaxAttempts is < 1 or > MaxAttemptsCap)
        {
            return ("maxAttempts", $"'maxAttempts' must be a whole number from 1 to {MaxAttemptsCap}.");
        }

        if (!double.IsFinite(IntervalSeconds) || IntervalSeconds is < 0 or > MaxIntervalCapSeconds)
        {
            return ("intervalSeconds", $"'intervalSeconds' must be a number from 0 to {MaxIntervalCapSeconds}.");
        }

        if (!double.IsFinite(BackoffRate) || BackoffRate is < 1 or > MaxBackoffRate)
        {
            return ("backoffRate", $"'backoffRate' must be a number from 1 to {MaxBackoffRate}.");
        }

        if (!double.IsFinite(MaxIntervalSeconds) || MaxIntervalSeconds is < 0 or > MaxIntervalCapSeconds)
        {
            return ("maxIntervalSeconds", $"'maxIntervalSeconds' must be a number from 0 to {MaxIntervalCapSeconds}.");
        }

        if (NonRetryable is { } list)
        {
            if (list.Count > 20)
            {
                return ("nonRetryable", "'nonRetryable' may name at most 20 error classes.");
            }

            foreach (var name in list)
            {
                if (!Engine.ErrorClasses.IsKnown(name))
                {
                    return ("nonRetryable", $"'nonRetryable' names an unknown error class '{FailureDetails.Cap(name ?? "null", 60)}'; known: {string.Join(", ", Engine.ErrorClasses.Retryable)} or an HTTP status 408, 429, 500–599.");
                }
            }
        }

        return null;
    }
}
