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
}
