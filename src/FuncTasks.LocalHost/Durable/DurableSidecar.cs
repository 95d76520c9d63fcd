using DurableTask.AzureStorage;
using DurableTask.Core;
using FuncTasks.Core;
using FuncTasks.Storage;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Options;

namespace FuncTasks.LocalHost.Durable;

/// <summary>
/// The Durable engine inside the LocalHost: Durable Task's Azure Storage backend (<see cref="AzureStorageOrchestrationService"/>,
/// the default backend of Durable Functions) behind Durable Task's gRPC sidecar (<see cref="TaskHubGrpcServer"/>), served on
/// <see cref="DurableSidecarChannel"/>'s socket. The process's DurableTaskWorker and DurableTaskClient talk to it as the
/// Functions host's worker talks to the Durable extension. Started before the worker (registration order); a host started
/// while storage is down waits for it (bounded back-off, one warning), as <see cref="StorageInitializer"/> does.
/// </summary>
public sealed partial class DurableSidecar(
    DurableSidecarChannel channel,
    IOptions<DurableEngineOptions> options,
    IOptions<StorageOptions> storage,
    IStorageFaults faults,
    ILoggerFactory loggers,
    TimeProvider time,
    ILogger<DurableSidecar> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _sidecar;
    private IDisposable? _backend;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        IOrchestrationService service;
        IOrchestrationServiceClient client;
        if (o.IsInMemory)
        {
            var memory = new InMemoryOrchestrationService(loggers);
            (service, client) = (memory, memory);
        }
        else
        {
            var azure = new AzureStorageOrchestrationService(Settings(o));
            (service, client, _backend) = (azure, azure, azure);
            await CreateTaskHubAsync(azure, o.TaskHub, cancellationToken);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(channel.SocketPath, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var sessions = o.ExtendedSessions && !o.IsInMemory
            ? new ExtendedSessions(service, o.MaxConcurrentWorkItems, loggers.CreateLogger<ExtendedSessions>())
            : null;
        builder.Services.AddSingleton<IOrchestrationService>(
            new GuardedOrchestrationService(service, sessions, loggers.CreateLogger<GuardedOrchestrationService>()));
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        _sidecar = builder.Build();
        _sidecar.MapGrpcService<TaskHubGrpcServer>();
        File.Delete(channel.SocketPath);
        await _sidecar.StartAsync(cancellationToken);
        LogStarted(o.TaskHub, o.IsInMemory ? DurableEngineOptions.InMemoryBackend : DurableEngineOptions.AzureStorageBackend);
    }

    private AzureStorageOrchestrationServiceSettings Settings(DurableEngineOptions o)
    {
        var connection = storage.Value.ConnectionString;
        if (string.IsNullOrEmpty(connection))
        {
            throw new InvalidOperationException("The Durable runner needs a storage connection string (AzureWebJobsStorage).");
        }

        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = o.TaskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(connection),
            PartitionCount = o.PartitionCount,
            MaxQueuePollingInterval = o.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = o.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = o.WorkItemQueueVisibilityTimeout,
            LeaseInterval = o.LeaseInterval,
            LeaseRenewInterval = o.LeaseRenewInterval,
            LeaseAcquireInterval = o.LeaseAcquireInterval,
            // Hosts of one LocalHost build share the hub as equals (partition leases balance them); the app lease is for
            // two different apps on one hub, and a killed host's app lease would hold a restarted one back for a minute.
            UseAppLease = false,
            // Unique per process: two hosts on one machine must not pass for one owner of the partition leases.
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}",
            MaxConcurrentTaskOrchestrationWorkItems = o.MaxConcurrentWorkItems,
            MaxConcurrentTaskActivityWorkItems = o.MaxConcurrentWorkItems,
            ExtendedSessionsEnabled = o.ExtendedSessions,
            ExtendedSessionIdleTimeout = o.ExtendedSessionIdleTimeout,
            LoggerFactory = loggers,
        };
    }

    private Task CreateTaskHubAsync(AzureStorageOrchestrationService service, string hub, CancellationToken cancellationToken) =>
        StartupRetry.RunAsync(
            service.CreateIfNotExistsAsync,
            faults.IsUnavailable,
            (ex, tries, _) =>
            {
                if (tries == 1)
                {
                    LogWaiting(hub, ex.Message);
                }
            },
            time,
            cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_sidecar is not null)
        {
            await _sidecar.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        _backend?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable engine started: task hub {TaskHub} on the {Backend} backend")]
    private partial void LogStarted(string taskHub, string backend);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Durable task hub {TaskHub}: storage unavailable at start ({Cause}); waiting for it")]
    private partial void LogWaiting(string taskHub, string cause);
}
