using FuncTasks.Core.Model;

namespace FuncTasks.Api.WireFormat;

/// <summary>
/// A retry policy on the wire, the same in every dialect: <c>{maxAttempts, intervalSeconds?, backoffRate?,
/// maxIntervalSeconds?, nonRetryable?}</c> (see docs/retries.md). A request may leave out all but <c>maxAttempts</c>
/// (defaults 1 s, 2, 60 s, none); an answer shows the numbers always and <c>nonRetryable</c> when given.
/// </summary>
public sealed record RetryContract(int MaxAttempts, double? IntervalSeconds, double? BackoffRate, double? MaxIntervalSeconds, IReadOnlyList<string>? NonRetryable)
{
    public static RetryContract? From(StepRetryPolicy? policy) => policy is null
        ? null
        : new(policy.MaxAttempts, policy.IntervalSeconds, policy.BackoffRate, policy.MaxIntervalSeconds, policy.NonRetryable);
}
