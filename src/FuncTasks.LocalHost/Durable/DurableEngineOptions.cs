namespace FuncTasks.LocalHost.Durable;

/// <summary>
/// The LocalHost's Durable engine (configuration section <c>FuncTasks:Runner:Durable</c>): Durable Task's Azure Storage
/// backend, the default of Durable Functions, on the same storage account as the tasks (Azurite locally). The defaults
/// suit one or a few local hosts: short polling and visibility timeouts so that a host killed mid-run is picked up again
/// within a minute (Durable Functions' own defaults are tuned for cost, e.g. 5 minutes of invisibility).
/// </summary>
public sealed class DurableEngineOptions
{
    public const string Section = "FuncTasks:Runner:Durable";

    public const string AzureStorageBackend = "AzureStorage";
    public const string InMemoryBackend = "InMemory";

    /// <summary>
    /// <c>AzureStorage</c> (default): durable, on the storage account. <c>InMemory</c>: Durable Task's in-memory backend (from
    /// its in-process test host): nothing survives the process, for fast tests and experiments only.
    /// </summary>
    public string Backend { get; set; } = AzureStorageBackend;

    public bool IsInMemory => string.Equals(Backend, InMemoryBackend, StringComparison.OrdinalIgnoreCase);

    /// <summary>The task hub: tables <c>&lt;hub&gt;Instances</c> and <c>&lt;hub&gt;History</c>, queues <c>&lt;hub&gt;-control-NN</c> and <c>&lt;hub&gt;-workitems</c>.</summary>
    public string TaskHub { get; set; } = "FuncTasksLocal";

    /// <summary>Control-queue partitions (orchestrations are spread over them; each is leased by one host at a time).</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Longest wait between polls of an idle queue.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a message taken by a host stays invisible to others (renewed while its work runs).</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long an activity's message stays invisible to other hosts (renewed while the activity runs).</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a partition lease lasts without renewal: a dead host's partitions are taken over after it.</summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a host renews its leases (well below <see cref="LeaseInterval"/>).</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a host looks for partitions to take over.</summary>
    public TimeSpan LeaseAcquireInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Orchestration and activity work items run at once by this host.</summary>
    public int MaxConcurrentWorkItems { get; set; } = 32;

    /// <summary>
    /// Durable's extended sessions (host.json <c>extendedSessionsEnabled</c> in Durable Functions): an orchestration that has
    /// just run an episode stays in memory for its next messages, so that the next episode does not load its history from
    /// <c>&lt;hub&gt;History</c> again. At most <see cref="MaxConcurrentWorkItems"/> are kept at once. Azure Storage backend only.
    /// </summary>
    public bool ExtendedSessions { get; set; } = true;

    /// <summary>How long a session waits for its orchestration's next messages before it is released (Durable Functions' default: 30 s).</summary>
    public TimeSpan ExtendedSessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
