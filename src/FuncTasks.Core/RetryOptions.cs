namespace FuncTasks.Core;

/// <summary>The default retry policy (configuration section <c>FuncTasks:Engine:Retry</c>), fields as in a step's <c>retry</c>.</summary>
public sealed class RetryOptions
{
    public int MaxAttempts { get; set; } = 1;

    public double IntervalSeconds { get; set; } = 1;

    public double BackoffRate { get; set; } = 2;

    public double MaxIntervalSeconds { get; set; } = 60;

    public IList<string> NonRetryable { get; } = [];

    public Model.StepRetryPolicy ToPolicy() => new()
    {
        MaxAttempts = MaxAttempts,
        IntervalSeconds = IntervalSeconds,
        BackoffRate = BackoffRate,
        MaxIntervalSeconds = MaxIntervalSeconds,
        NonRetryable = NonRetryable.Count == 0 ? null : [.. NonRetryable],
    };
}
