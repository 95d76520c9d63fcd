using System.ComponentModel.DataAnnotations;

namespace FuncTasks.Core;

/// <summary>Engine limits (configuration section <c>FuncTasks:Engine</c>).</summary>
public sealed class EngineOptions
{
    public const string Section = "FuncTasks:Engine";

    /// <summary>Most steps a task may have.</summary>
    [Range(1, 99)]
    public int MaxSteps { get; set; } = 50;

    /// <summary>Longest a single attempt of a step may run before it fails with a timeout.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many times a lost optimistic-concurrency race is re-read and re-checked.</summary>
    [Range(1, 100)]
    public int MaxConflictRetries { get; set; } = 8;

    /// <summary>
    /// First wait before a storage call that failed because storage was unavailable is tried again (a run holding a
    /// step's result, a worker polling the queue); doubles per failure, with jitter, up to <see cref="OutageBackoffMax"/>.
    /// </summary>
    public TimeSpan OutageBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between two tries during a storage outage: how late, at most, work resumes once it returns.</summary>
    public TimeSpan OutageBackoffMax { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The retry policy of steps whose step and task say none (<c>FuncTasks:Engine:Retry:*</c>); by default one attempt.</summary>
    public RetryOptions Retry { get; set; } = new();
}

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

/// <summary>The <c>http</c> action's settings (configuration section <c>FuncTasks:Http</c>).</summary>
public sealed class HttpActionOptions
{
    public const string Section = "FuncTasks:Http";

    /// <summary>
    /// What steps may call: host names, <c>*.suffix</c> wildcards, IP addresses and CIDR ranges (<see cref="Actions.HttpAllowList"/>).
    /// Loopback only unless configured. Private, loopback, link-local (cloud metadata) and other internal addresses
    /// are reachable only through an IP or CIDR entry, never because a listed name resolves there.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Used when <see cref="AllowedHosts"/> is empty: local development against loopback servers works without configuration.</summary>
    public static IReadOnlyList<string> DefaultAllowedHosts { get; } = ["127.0.0.1", "::1", "localhost"];

    /// <summary>At most this many bytes of a response body are read (the excerpt in errors and outputs); the rest is never downloaded.</summary>
    public int MaxResponseExcerptBytes { get; set; } = 1024;

    /// <summary>Redirects (301, 302, 303, 307, 308) a step follows, each target checked like the step's own URL; 0 = none.</summary>
    public int MaxRedirects { get; set; } = 5;
}
