namespace FuncTasks.Testing;

/// <summary>How <see cref="AzuriteProcess.StartAsync"/> starts an Azurite.</summary>
public sealed record AzuriteStart
{
    /// <summary>
    /// The folder Azurite keeps its data in, so that a restart on the same ports serves the same tables and queues; null
    /// (the default) keeps the data in memory and silences Azurite's access log.
    /// </summary>
    public string? Location { get; init; }

    /// <summary>Fixed ports (a restart at the same address); a free loopback port for each that is null.</summary>
    public int? BlobPort { get; init; }

    public int? QueuePort { get; init; }

    public int? TablePort { get; init; }

    /// <summary>Runs <c>npm ci</c> in the repository when Azurite is not installed (the bench does); otherwise that is an error.</summary>
    public bool InstallIfMissing { get; init; }

    /// <summary>
    /// A file for Azurite's debug log (every request it served, with timings): for finding where a slow run's time went.
    /// Null: the <c>FUNCTASKS_AZURITE_DEBUG_LOG</c> environment variable, if set; otherwise none.
    /// </summary>
    public string? DebugLog { get; init; } = Environment.GetEnvironmentVariable("FUNCTASKS_AZURITE_DEBUG_LOG") is { Length: > 0 } path ? path : null;

    /// <summary>How long its three ports may take to accept.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
