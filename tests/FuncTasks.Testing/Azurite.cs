using System.Globalization;

namespace FuncTasks.Testing;

/// <summary>
/// The Azurite a test run shares: the one named by FUNCTASKS_TEST_STORAGE (CI starts it), or else one started here, once,
/// from the repository's node_modules on free loopback ports with its data in memory (ended when the run ends).
/// </summary>
public static class Azurite
{
    /// <summary>The well-known key of Azurite's devstoreaccount1.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<string> Shared = new(StartShared, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared Azurite's connection string (started on first use).</summary>
    public static string ConnectionString => Shared.Value;

    /// <summary>Where <c>npm ci</c> installs Azurite in the repository.</summary>
    public static string Binary => RepoRoot.Combine("node_modules/.bin/azurite");

    /// <summary>The connection string of an Azurite (or of proxies in front of it) on these loopback ports.</summary>
    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) => string.Create(
        CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;");

    private static string StartShared()
    {
        var given = Environment.GetEnvironmentVariable("FUNCTASKS_TEST_STORAGE");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        // Never disposed: ChildProcesses ends it with the run. Started off the caller's synchronisation context.
        var azurite = Task.Run(() => AzuriteProcess.StartAsync()).GetAwaiter().GetResult();
        return azurite.ConnectionString;
    }
}
