namespace FuncTasks.Testing;

/// <summary>
/// An Azurite of a test's own that can be stopped and started again: its data in a folder (not in memory), on fixed
/// loopback ports, so a restart serves the same tables and queues at the same address (see <see cref="AzuriteProcess.StopAsync"/>).
/// </summary>
public sealed class RestartableAzurite : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("functasks-azurite-data-").FullName;
    private readonly (int Blob, int Queue, int Table) _ports = (Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort());
    private AzuriteProcess? _process;

    private RestartableAzurite()
    {
    }

    public string ConnectionString => Azurite.ConnectionStringFor(_ports.Blob, _ports.Queue, _ports.Table);

    public static async Task<RestartableAzurite> StartAsync()
    {
        var azurite = new RestartableAzurite();
        await azurite.RestartAsync();
        return azurite;
    }

    /// <summary>Starts it (again) on the same ports and folder and returns once its ports accept.</summary>
    public async Task RestartAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _process = await AzuriteProcess.StartAsync(new AzuriteStart
        {
            Location = _folder,
            BlobPort = _ports.Blob,
            QueuePort = _ports.Queue,
            TablePort = _ports.Table,
        });
    }

    /// <summary>SIGTERM (Azurite saves its data and closes its ports); once every service has closed, the process is ended.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync();
        await _process.DisposeAsync();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
