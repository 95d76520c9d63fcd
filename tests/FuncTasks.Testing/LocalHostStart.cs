namespace FuncTasks.Testing;

/// <summary>How <see cref="LocalHostProcess.StartAsync"/> starts the LocalHost.</summary>
public sealed record LocalHostStart
{
    /// <summary>The LocalHost built next to the running program (test projects and the bench reference it), unless another build is given (an A/B run).</summary>
    public string DllPath { get; init; } = LocalHostProcess.BuiltDll;

    /// <summary>A file its output is appended to (the bench); null keeps the output in memory (<see cref="LocalHostProcess.Output"/>).</summary>
    public string? LogFile { get; init; }

    /// <summary>How long it may take to answer <c>/healthz</c> with a 2xx.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(120);
}
