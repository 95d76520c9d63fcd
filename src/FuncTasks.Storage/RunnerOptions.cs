namespace FuncTasks.Storage;

/// <summary>The queue runner's settings (configuration section <c>FuncTasks:Runner</c>).</summary>
public sealed class RunnerOptions
{
    public const string Section = "FuncTasks:Runner";

    /// <summary>How many task runs this host works on at once.</summary>
    public int Workers { get; set; } = 16;

    /// <summary>How long a received run message stays invisible; renewed while its step runs.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running step's host checks the task row for a cancel made on another host.</summary>
    public TimeSpan CancelCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between polls of an empty queue.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After this many deliveries without an outcome, a run message is poison: the task is failed.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>First wait before a run that failed unexpectedly is delivered again; doubles per delivery (max 60 s).</summary>
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>False turns the queue workers off (a host that only serves the API).</summary>
    public bool Enabled { get; set; } = true;
}
