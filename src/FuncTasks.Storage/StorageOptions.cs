namespace FuncTasks.Storage;

/// <summary>Where FuncTasks keeps its tables and its run queue (configuration section <c>FuncTasks:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "FuncTasks:Storage";

    /// <summary>The storage connection; read from <c>AzureWebJobsStorage</c> (the Functions app's name for it).</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Prefix of the table names (letters and digits), so several deployments can share an account.</summary>
    public string TablePrefix { get; set; } = "FuncTasks";

    /// <summary>The queue that carries "run task X" messages.</summary>
    public string QueueName { get; set; } = "functasks-runs";

    /// <summary>
    /// How old a list filter's maintained task count (totalElements) may get before it is re-counted from storage in
    /// the background. Within one host the count follows every change at once; changes made by other hosts sharing
    /// the table are seen after at most this long. Zero counts every matching row on every listing (O(table)).
    /// </summary>
    public TimeSpan ListCountRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The Azure SDK's retries of one storage call (transient faults: no response, timeouts, 5xx). Kept short so
    /// a request during an outage answers 503 within <c>FuncTasks:Api:RequestTimeout</c>; workers add their own
    /// back-off between whole units of work.
    /// </summary>
    public StorageRetryOptions Retry { get; } = new();

    public string TasksTable => TablePrefix + "Tasks";
    public string WorkflowsTable => TablePrefix + "Workflows";
    public string IdempotencyTable => TablePrefix + "Idempotency";
    public string SubscriptionsTable => TablePrefix + "Subscriptions";
}

/// <summary>Maps onto <see cref="Azure.Core.RetryOptions"/> (exponential back-off with jitter) of the table and queue clients.</summary>
public sealed class StorageRetryOptions
{
    public int MaxRetries { get; set; } = 3;

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait for one try's response before it counts as failed (and is retried).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public void ApplyTo(Azure.Core.RetryOptions retry)
    {
        retry.Mode = Azure.Core.RetryMode.Exponential;
        retry.MaxRetries = MaxRetries;
        retry.Delay = Delay;
        retry.MaxDelay = MaxDelay;
        retry.NetworkTimeout = NetworkTimeout;
    }
}

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
