using FuncTasks.Core;
using FuncTasks.Core.Engine;

namespace FuncTasks.LocalHost.Durable;

/// <summary>
/// The Durable runner's view of storage for <c>/healthz</c>: the queue runner's workers meet an outage on their next poll,
/// while the Durable engine polls inside Durable Task where FuncTasks does not see it. This loop reads one row a second
/// through <see cref="StorageOutage"/> (a point read of a task that does not exist), so the host reports Degraded while
/// storage is out and Healthy again once it answers, as with the queue runner.
/// </summary>
public sealed class DurableStorageWatch(ITaskStore store, StorageOutage outage, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await outage.RetryAsync(() => store.GetTaskAsync(Guid.Empty, stoppingToken), stoppingToken);
                await Task.Delay(Interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
