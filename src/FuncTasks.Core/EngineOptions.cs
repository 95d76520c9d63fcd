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
