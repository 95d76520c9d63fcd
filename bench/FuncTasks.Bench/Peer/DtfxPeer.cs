using System.Collections.Concurrent;
using System.Diagnostics;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Exceptions;

namespace FuncTasks.Bench.Peer;

/// <summary>
/// The peer FuncTasks is compared with: the raw Durable Task Framework (<c>DurableTask.Core</c> + <c>DurableTask.AzureStorage</c>,
/// the default backend of Durable Functions) in the bench process, on the same Azurite, with a <see cref="TaskHubWorker"/>
/// and a <see cref="TaskHubClient"/> and its own task hub. The orchestrations run N no-op activities; every activity
/// records when it ran (a Stopwatch timestamp), so the figures come from the activities themselves, not from polling.
/// </summary>
public sealed class DtfxPeer : IAsyncDisposable
{
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubWorker _worker;
    private readonly TaskHubClient _client;

    private DtfxPeer(AzureStorageOrchestrationService service, TaskHubWorker worker, TaskHubClient client, DtfxSettings settings)
    {
        _service = service;
        _worker = worker;
        _client = client;
        Settings = settings;
    }

    public DtfxSettings Settings { get; }

    /// <summary>Creates the task hub, starts the worker and runs one small orchestration (partition leases, JIT) before returning.</summary>
    public static async Task<DtfxPeer> StartAsync(string storage, DtfxSettings settings, CancellationToken ct)
    {
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = settings.TaskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(storage),
            PartitionCount = settings.PartitionCount,
            MaxQueuePollingInterval = settings.MaxQueuePollingInterval,
            ExtendedSessionsEnabled = settings.ExtendedSessions,
            ExtendedSessionIdleTimeout = settings.ExtendedSessionIdleTimeout,
            MaxConcurrentTaskOrchestrationWorkItems = settings.MaxConcurrentWorkItems,
            MaxConcurrentTaskActivityWorkItems = settings.MaxConcurrentWorkItems,
            ControlQueueVisibilityTimeout = settings.VisibilityTimeout,
            WorkItemQueueVisibilityTimeout = settings.VisibilityTimeout,
            LeaseInterval = TimeSpan.FromSeconds(15),
            LeaseRenewInterval = TimeSpan.FromSeconds(5),
            LeaseAcquireInterval = TimeSpan.FromSeconds(5),
            UseAppLease = false,
            WorkerId = $"bench-{Environment.ProcessId}-{Guid.NewGuid():N}",
        });
        await service.CreateIfNotExistsAsync();
        var worker = new TaskHubWorker(service);
        worker.AddTaskOrchestrations(typeof(SequenceOrchestration), typeof(ResumeOrchestration));
        worker.AddTaskActivities(typeof(NoOpActivity), typeof(FailingActivity));
        await worker.StartAsync();
        var peer = new DtfxPeer(service, worker, new TaskHubClient(service), settings);
        try
        {
            // The first orchestration waits for the partition leases; it is not measured.
            var start = Stopwatch.GetTimestamp();
            await peer.RunSequencesAsync(2, 3, TimeSpan.FromSeconds(120), ct);
            settings.WarmUpSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

    /// <summary>
    /// Starts <paramref name="orchestrations"/> orchestrations of <paramref name="activities"/> sequential no-op activities
    /// at once and waits until every activity has run; returns the clock at the first start and each orchestration's
    /// activity timestamps (in order).
    /// </summary>
    public async Task<PeerRun> RunSequencesAsync(int orchestrations, int activities, TimeSpan timeout, CancellationToken ct)
    {
        var ids = Enumerable.Range(0, orchestrations).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        foreach (var id in ids)
        {
            Marks.Register(id, activities);
        }

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(ids.Select(id => _client.CreateOrchestrationInstanceAsync(typeof(SequenceOrchestration), id, activities)));
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            foreach (var id in ids)
            {
                var left = deadline - DateTime.UtcNow;
                await Marks.Done(id).WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, ct);
            }
        }
        catch (TimeoutException)
        {
            var done = ids.Sum(Marks.Count);
            throw new TimeoutException($"DTFx peer: {done} of {orchestrations * activities} activities ran in {timeout.TotalSeconds:F0} s.");
        }

        return new PeerRun(started, ids.Select(Marks.Take).ToList());
    }

    /// <summary>
    /// Resume after a failure: an orchestration whose activity failed waits for the <c>resume</c> event; the time from
    /// RaiseEventAsync's return to the next activity running (ms), after <paramref name="idle"/> of quiet, as FuncTasks' resume.
    /// </summary>
    public async Task<List<double>> ResumeAsync(int samples, TimeSpan idle, CancellationToken ct)
    {
        var ms = new List<double>(samples);
        for (var i = 0; i < samples + 2; i++)
        {
            var id = Guid.NewGuid().ToString("N");
            Marks.Register(id, 2);
            var instance = await _client.CreateOrchestrationInstanceAsync(typeof(ResumeOrchestration), id, 0);
            // The failing activity is the first mark; the orchestration then waits for the event.
            await Marks.First(id).WaitAsync(TimeSpan.FromSeconds(60), ct);
            await Task.Delay(idle, ct);
            await _client.RaiseEventAsync(instance, ResumeOrchestration.EventName, "go");
            var raised = Stopwatch.GetTimestamp();
            await Marks.Done(id).WaitAsync(TimeSpan.FromSeconds(60), ct);
            var marks = Marks.Take(id);
            if (i >= 2)
            {
                ms.Add(Stats.Ms(raised, marks[^1]));
            }
        }

        return ms;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _worker.StopAsync(isForced: true).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
        }

        _worker.Dispose();
        await DeleteHubAsync(_service);
        _service.Dispose();
    }

    /// <summary>
    /// Deletes a task hub's tables, queues and lease blobs: Azurite keeps everything in memory, and the listing scenario
    /// at the end of the run slows down (and times out) on a fuller store.
    /// </summary>
    public static async Task DeleteHubAsync(string storage, string taskHub)
    {
        using var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(storage),
            UseAppLease = false,
        });
        await DeleteHubAsync(service);
    }

    private static async Task DeleteHubAsync(AzureStorageOrchestrationService service)
    {
        try
        {
            await service.DeleteAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or Azure.RequestFailedException)
        {
            Console.WriteLine($"  note: task hub not deleted ({ex.GetType().Name}: {ex.Message})");
        }
    }

    /// <summary>Activity timestamps per orchestration instance (the activities run in this process).</summary>
    private static class Marks
    {
        private static readonly ConcurrentDictionary<string, Entry> Entries = new();

        private sealed class Entry(int expected)
        {
            public ConcurrentQueue<long> Times { get; } = new();
            public TaskCompletionSource FirstMark { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
            public TaskCompletionSource AllDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
            public int Expected => expected;
        }

        public static void Register(string id, int expected) => Entries[id] = new Entry(expected);

        public static void Mark(string id)
        {
            var now = Stopwatch.GetTimestamp();
            if (!Entries.TryGetValue(id, out var entry))
            {
                return;
            }

            entry.Times.Enqueue(now);
            entry.FirstMark.TrySetResult();
            if (entry.Times.Count >= entry.Expected)
            {
                entry.AllDone.TrySetResult();
            }
        }

        public static Task First(string id) => Entries[id].FirstMark.Task;

        public static Task Done(string id) => Entries[id].AllDone.Task;

        public static int Count(string id) => Entries.TryGetValue(id, out var e) ? e.Times.Count : 0;

        public static List<long> Take(string id) => Entries.TryRemove(id, out var e) ? [.. e.Times] : [];
    }

    /// <summary>N sequential no-op activities.</summary>
    public sealed class SequenceOrchestration : TaskOrchestration<int, int>
    {
        public override async Task<int> RunTask(OrchestrationContext context, int input)
        {
            for (var i = 0; i < input; i++)
            {
                await context.ScheduleTask<int>(typeof(NoOpActivity), i);
            }

            return input;
        }
    }

    /// <summary>A failing activity, then the wait for <see cref="EventName"/>, then a no-op activity.</summary>
    public sealed class ResumeOrchestration : TaskOrchestration<int, int>
    {
        public const string EventName = "resume";
        private TaskCompletionSource<string>? _resume;

        public override async Task<int> RunTask(OrchestrationContext context, int input)
        {
            try
            {
                await context.ScheduleTask<int>(typeof(FailingActivity), input);
            }
            catch (TaskFailedException)
            {
                _resume = new TaskCompletionSource<string>();
                await _resume.Task;
                await context.ScheduleTask<int>(typeof(NoOpActivity), input + 1);
            }

            return input;
        }

        public override void OnEvent(OrchestrationContext context, string name, string input)
        {
            if (name == EventName)
            {
                _resume?.TrySetResult(input);
            }
        }
    }

    /// <summary>Does nothing but record that it ran.</summary>
    public sealed class NoOpActivity : TaskActivity<int, int>
    {
        protected override int Execute(TaskContext context, int input)
        {
            Marks.Mark(context.OrchestrationInstance.InstanceId);
            return input;
        }
    }

    /// <summary>Records that it ran, then fails (the "step" that fails before a resume).</summary>
    public sealed class FailingActivity : TaskActivity<int, int>
    {
        protected override int Execute(TaskContext context, int input)
        {
            Marks.Mark(context.OrchestrationInstance.InstanceId);
            throw new InvalidOperationException("failing on purpose");
        }
    }
}

/// <summary>The peer's speed settings, stated with every figure it produced.</summary>
public sealed class DtfxSettings
{
    public required string TaskHub { get; init; }
    public int PartitionCount { get; init; } = 4;
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    public bool ExtendedSessions { get; init; } = true;
    public TimeSpan ExtendedSessionIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxConcurrentWorkItems { get; init; } = 32;
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(20);
    public double WarmUpSeconds { get; set; }

    public string Describe() =>
        $"DTFx (DurableTask.Core 3.11.2, DurableTask.AzureStorage 2.11.2) in the bench process: PartitionCount {PartitionCount}, " +
        $"MaxQueuePollingInterval {MaxQueuePollingInterval.TotalMilliseconds:F0} ms, ExtendedSessionsEnabled {(ExtendedSessions ? $"true (idle timeout {ExtendedSessionIdleTimeout.TotalSeconds:F0} s)" : "false")}, " +
        $"MaxConcurrentTaskOrchestrationWorkItems = MaxConcurrentTaskActivityWorkItems = {MaxConcurrentWorkItems}, queue visibility {VisibilityTimeout.TotalSeconds:F0} s, UseAppLease false, task hub {TaskHub}";
}

/// <summary>One batch of peer orchestrations: the clock at the first start, and every orchestration's activity timestamps.</summary>
public sealed record PeerRun(long Started, IReadOnlyList<List<long>> Activities)
{
    public long LastActivity => Activities.Max(a => a[^1]);

    public int Count => Activities.Sum(a => a.Count);
}
