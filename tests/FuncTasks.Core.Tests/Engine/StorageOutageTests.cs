using System.Collections.Concurrent;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace FuncTasks.Core.Tests.Engine;

/// <summary>
/// A storage outage while a step runs: the result of an action that has run is held and written once storage is
/// back, a write that landed before its answer was lost is recognised, and the ETag decides against a worker that
/// took the step over. The store here is an in-memory one with real ETag rules and injected faults.
/// </summary>
public sealed class StorageOutageTests
{
    private readonly FaultyStore _store = new();
    private readonly Mock<IStepAction> _action = new();
    private readonly ConcurrentDictionary<int, int> _calls = new();
    private readonly ListLogger<StorageOutage> _log = new();

    public StorageOutageTests()
    {
        _action.SetupGet(a => a.Name).Returns("work");
        _action.Setup(a => a.ExecuteAsync(It.IsAny<StepContext>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((StepContext c, CancellationToken _) =>
            {
                _calls.AddOrUpdate((int)c.Params["n"].LongValue!.Value, 1, (_, v) => v + 1);
                return StepResult.Completed();
            });
    }

    private StorageOutage Outage() => new(
        TimeProvider.System,
        Options.Create(new EngineOptions { OutageBackoff = TimeSpan.FromMilliseconds(1), OutageBackoffMax = TimeSpan.FromMilliseconds(4) }),
        _log,
        new IoFaults());

    private StepExecutor Executor() => new(
        _store.AsTaskStore(),
        new StepActionRegistry([_action.Object]),
        new RunningSteps(),
        TimeProvider.System,
        Options.Create(new EngineOptions()),
        NullLogger<StepExecutor>.Instance,
        Outage());

    /// <summary>Runs the task's steps the way the queue runner does (chained) until the loop would end.</summary>
    private async Task<List<StepRunOutcome>> RunAllAsync(Guid id, CancellationToken stopping = default, CancellationToken shutdown = default)
    {
        var executor = Executor();
        var outcomes = new List<StepRunOutcome>();
        StepRunOutcome? previous = null;
        do
        {
            previous = await executor.RunNextStepChainedAsync(id, 1, previous, stopping, shutdown);
            outcomes.Add(previous);
        }
        while (previous.Kind == StepRunKind.StepCompleted);

        return outcomes;
    }

    [Fact]
    public async Task A_result_whose_write_fails_while_storage_is_away_is_held_and_stored_once_it_returns()
    {
        var id = _store.Add(steps: 2);
        // The write completing step 0 (its attempt row) fails three times without reaching storage.
        _store.Fault = (update, n) => update.NewAttempts is [{ StepIndex: 0 }] && n <= 3 ? Fault.Unreachable : Fault.None;

        var outcomes = await RunAllAsync(id);

        Assert.Equal([StepRunKind.StepCompleted, StepRunKind.TaskSucceeded], outcomes.Select(o => o.Kind));
        Assert.Equal(1, outcomes[0].ClaimedStep);
        Assert.Equal(1, _calls[0]);
        Assert.Equal(1, _calls[1]);
        Assert.Equal(3, _store.Failed);
        var stored = _store.Snapshot(id);
        Assert.Equal(TaskState.Succeeded, stored.Task.Status);
        Assert.Equal([(0, 1, StepState.Completed), (1, 1, StepState.Completed)], stored.Attempts.Select(a => (a.StepIndex, a.Number, a.Outcome)).Order());
        // One outage: one warning when it began and one line when it ended, not one per failed try.
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("3 failed calls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_write_that_landed_before_its_answer_was_lost_is_recognised_and_the_run_carries_on_with_the_step_it_claimed()
    {
        var id = _store.Add(steps: 3);
        // Step 0's outcome (with the claim of step 1) reaches storage, then the connection breaks: the retry meets new ETags.
        _store.Fault = (update, n) => update.NewAttempts is [{ StepIndex: 0 }] && n == 1 ? Fault.LandedAnswerLost : Fault.None;

        var outcomes = await RunAllAsync(id);

        Assert.Equal([StepRunKind.StepCompleted, StepRunKind.StepCompleted, StepRunKind.TaskSucceeded], outcomes.Select(o => o.Kind));
        Assert.Equal(1, outcomes[0].ClaimedStep);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(1, _calls[i]));
        var stored = _store.Snapshot(id);
        Assert.Equal(TaskState.Succeeded, stored.Task.Status);
        // Step 1 ran as the attempt the landed write claimed: no attempt recorded as interrupted.
        Assert.Equal([(0, 1, StepState.Completed), (1, 1, StepState.Completed), (2, 1, StepState.Completed)],
            stored.Attempts.Select(a => (a.StepIndex, a.Number, a.Outcome)).Order());
    }

    [Fact]
    public async Task A_write_the_storage_client_retried_after_it_had_landed_counts_as_this_runs_outcome_not_as_a_lost_race()
    {
        var id = _store.Add(steps: 2);
        // The SDK's own retry of a landed transaction answers 412: the store reports a conflict on the first call.
        _store.Fault = (update, n) => update.NewAttempts is [{ StepIndex: 0 }] && n == 1 ? Fault.LandedThenConflict : Fault.None;

        var outcomes = await RunAllAsync(id);

        Assert.Equal([StepRunKind.StepCompleted, StepRunKind.TaskSucceeded], outcomes.Select(o => o.Kind));
        Assert.Equal(TaskState.Succeeded, _store.Snapshot(id).Task.Status);
        Assert.Equal(1, _calls[0]);
        Assert.Equal(1, _calls[1]);
    }

    [Fact]
    public async Task A_held_result_loses_on_the_ETag_to_a_worker_that_took_the_step_over_meanwhile()
    {
        var id = _store.Add(steps: 1);
        _store.Fault = (update, n) =>
        {
            if (update.NewAttempts is not [{ StepIndex: 0, Number: 1 }])
            {
                return Fault.None;
            }

            if (n == 1)
            {
                // While storage is away the message reappears elsewhere: that worker records attempt 1 as interrupted
                // and claims attempt 2.
                _store.TakeOver(id, 0);
                return Fault.Unreachable;
            }

            return Fault.None;
        };

        var outcomes = await RunAllAsync(id);

        Assert.Equal(StepRunKind.NothingToDo, Assert.Single(outcomes).Kind);
        var stored = _store.Snapshot(id);
        Assert.Equal(StepState.Started, stored.Steps[0].Status);
        Assert.Equal(2, stored.Steps[0].ActiveAttempt);
        Assert.Equal([(1, StepState.Started)], stored.Attempts.Select(a => (a.Number, a.Outcome)));
        Assert.Equal(1, _calls[0]);
    }

    [Fact]
    public async Task A_host_stopping_while_storage_is_away_gives_the_result_up_and_reports_the_run_interrupted()
    {
        var id = _store.Add(steps: 1);
        using var shutdown = new CancellationTokenSource();
        _store.Fault = (update, n) =>
        {
            if (update.NewAttempts is [{ StepIndex: 0 }])
            {
                if (n == 2)
                {
                    shutdown.Cancel();
                }

                return Fault.Unreachable;
            }

            return Fault.None;
        };

        var outcomes = await RunAllAsync(id, shutdown: shutdown.Token);

        Assert.Equal(StepRunKind.Interrupted, Assert.Single(outcomes).Kind);
        Assert.Equal(StepState.Started, _store.Snapshot(id).Steps[0].Status);
        Assert.Equal(2, _store.Failed);
        Assert.Equal(1, _calls[0]);
    }

    [Fact]
    public async Task A_storage_error_that_is_not_an_outage_is_not_retried()
    {
        var id = _store.Add(steps: 1);
        _store.Fault = (update, _) => update.NewAttempts is [{ StepIndex: 0 }] ? Fault.Broken : Fault.None;

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAllAsync(id));

        Assert.Equal(1, _store.Failed);
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task Before_the_action_runs_a_read_during_an_outage_waits_for_storage_and_then_runs_the_step_once()
    {
        var id = _store.Add(steps: 1);
        _store.ReadFaults = 2;

        var outcomes = await RunAllAsync(id);

        Assert.Equal(StepRunKind.TaskSucceeded, Assert.Single(outcomes).Kind);
        Assert.Equal(0, _store.ReadFaults);
        Assert.Equal(1, _calls[0]);
    }

    [Fact]
    public async Task An_outage_is_logged_once_however_many_workers_fail_and_again_only_after_it_ended()
    {
        var outage = Outage();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => outage.Failed(new IOException("refused")))));
        Assert.True(outage.InOutage);
        outage.Recovered();
        outage.Recovered();
        outage.Failed(new IOException("refused again"));

        Assert.Equal(2, _log.Entries.Count(e => e.Level == LogLevel.Warning));
        var ended = Assert.Single(_log.Entries, e => e.Level == LogLevel.Information);
        Assert.Contains("16 failed calls", ended.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(_log.Entries[0].Exception);
        Assert.True(outage.InOutage);
    }

    [Theory]
    [InlineData(1, 125, 250)]
    [InlineData(2, 250, 500)]
    [InlineData(3, 500, 1000)]
    [InlineData(6, 2500, 5000)]
    [InlineData(40, 2500, 5000)]
    public void The_backoff_doubles_per_failure_with_jitter_and_stays_under_its_bound(int failures, int minMs, int maxMs)
    {
        var outage = new StorageOutage(TimeProvider.System,
            Options.Create(new EngineOptions { OutageBackoff = TimeSpan.FromMilliseconds(250), OutageBackoffMax = TimeSpan.FromSeconds(5) }), _log);
        var waits = Enumerable.Range(0, 200).Select(_ => outage.Backoff(failures)).ToList();

        Assert.All(waits, w => Assert.InRange(w.TotalMilliseconds, minMs, maxMs));
        Assert.True(waits.Distinct().Count() > 1, "The waits carry no jitter.");
        Assert.False(outage.IsOutage(new IOException("no faults registered: nothing is an outage")));
    }

    private sealed class IoFaults : IStorageFaults
    {
        public bool IsUnavailable(Exception exception) => exception is IOException;
    }

    private enum Fault
    {
        None,
        Unreachable,
        LandedAnswerLost,
        LandedThenConflict,
        Broken,
    }

    /// <summary>One task partition in memory with the table's rules: ETag-guarded replaces, attempt rows inserted once.</summary>
    private sealed class FaultyStore
    {
        private readonly object _lock = new();
        private readonly Dictionary<Guid, TaskSnapshot> _tasks = [];
        private readonly Dictionary<string, int> _tries = [];
        private int _etag;

        /// <summary>Decides the fault of each write: given the update and how many times this same update was tried.</summary>
        public Func<TaskUpdate, int, Fault> Fault { get; set; } = (_, _) => StorageOutageTests.Fault.None;

        public int ReadFaults { get; set; }

        public int Failed { get; private set; }

        public Guid Add(int steps)
        {
            var id = Guid.NewGuid();
            var now = DateTimeOffset.UtcNow;
            var task = new TaskRecord { Id = id, Name = "t", Type = "T", Status = TaskState.InProgress, CreatedAt = now, StepCount = steps, Generation = 1, ETag = NewETag() };
            var list = Enumerable.Range(0, steps).Select(i => new TaskStep
            {
                TaskId = id, Index = i, Name = $"s{i}", Action = "work", Params = new Dictionary<string, ParamValue> { ["n"] = ParamValue.Of(i) },
                Status = StepState.Pending, CreatedAt = now, ETag = NewETag(),
            }).ToList();
            _tasks[id] = new TaskSnapshot(task, list, []);
            return id;
        }

        public TaskSnapshot Snapshot(Guid id)
        {
            lock (_lock)
            {
                return _tasks[id];
            }
        }

        /// <summary>What a worker that received the run message elsewhere writes: attempt 1 interrupted, attempt 2 claimed.</summary>
        public void TakeOver(Guid id, int index)
        {
            lock (_lock)
            {
                var current = _tasks[id];
                var step = current.Steps[index];
                var attempt = new StepAttempt
                {
                    TaskId = id, StepIndex = index, Number = step.ActiveAttempt!.Value, StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow,
                    Params = step.Params, Outcome = StepState.Started,
                };
                _tasks[id] = Apply(current, new TaskUpdate(current.Task, [step with { AttemptCount = 2, ActiveAttempt = 2 }], [attempt]));
            }
        }

        /// <summary>The store port over this partition (reads and ETag-guarded writes; nothing else is used by the executor).</summary>
        public ITaskStore AsTaskStore()
        {
            var store = new Mock<ITaskStore>(MockBehavior.Strict);
            store.Setup(s => s.GetAsync(It.IsAny<Guid>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
                .Returns((Guid id, bool attempts, CancellationToken ct) => GetAsync(id, attempts, ct));
            store.Setup(s => s.GetTaskAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()))
                .Returns((Guid id, CancellationToken ct) => GetTaskAsync(id, ct));
            store.Setup(s => s.SaveAsync(It.IsAny<TaskSnapshot>(), It.IsAny<TaskUpdate>(), It.IsAny<CancellationToken>()))
                .Returns((TaskSnapshot current, TaskUpdate update, CancellationToken ct) => SaveAsync(current, update, ct));
            return store.Object;
        }

        public Task<TaskSnapshot?> GetAsync(Guid taskId, bool includeAttempts, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                if (ReadFaults > 0)
                {
                    ReadFaults--;
                    throw new IOException("Connection refused (read)");
                }

                var snapshot = _tasks[taskId];
                return Task.FromResult<TaskSnapshot?>(includeAttempts ? snapshot : snapshot with { Attempts = [] });
            }
        }

        public Task<TaskRecord?> GetTaskAsync(Guid taskId, CancellationToken cancellationToken) => Task.FromResult<TaskRecord?>(Snapshot(taskId).Task);

        public Task<TaskSnapshot> SaveAsync(TaskSnapshot current, TaskUpdate update, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                var key = WriteKey(update);
                var n = _tries[key] = _tries.GetValueOrDefault(key) + 1;
                var fault = Fault(update, n);
                switch (fault)
                {
                    case StorageOutageTests.Fault.Unreachable:
                        Failed++;
                        throw new IOException("Connection refused");
                    case StorageOutageTests.Fault.Broken:
                        Failed++;
                        throw new InvalidOperationException("A bug, not an outage.");
                }

                var stored = _tasks[current.Task.Id];
                Check(current, stored, update);
                var saved = Apply(stored, update);
                _tasks[current.Task.Id] = saved;
                switch (fault)
                {
                    case StorageOutageTests.Fault.LandedAnswerLost:
                        Failed++;
                        throw new IOException("Connection reset after the write");
                    case StorageOutageTests.Fault.LandedThenConflict:
                        throw new ConcurrencyConflictException("412 on the SDK's retry of a transaction that had landed");
                }

                return Task.FromResult(saved with { Attempts = current.Attempts });
            }
        }

        /// <summary>Which write this is (the executor sends the same one again after an outage), by the rows it writes.</summary>
        private static string WriteKey(TaskUpdate update) =>
            string.Join(',', (update.Steps ?? []).Select(s => $"{s.Index}:{s.Status}:{s.ActiveAttempt}")) + "|" +
            string.Join(',', (update.NewAttempts ?? []).Select(a => $"{a.StepIndex}:{a.Number}:{a.Outcome}"));

        private static void Check(TaskSnapshot current, TaskSnapshot stored, TaskUpdate update)
        {
            if (update.Task is not null && current.Task.ETag != stored.Task.ETag)
            {
                throw new ConcurrencyConflictException("task row changed");
            }

            foreach (var step in update.Steps ?? [])
            {
                if (current.Steps[step.Index].ETag != stored.Steps[step.Index].ETag)
                {
                    throw new ConcurrencyConflictException($"step {step.Index} changed");
                }
            }

            foreach (var attempt in update.NewAttempts ?? [])
            {
                if (stored.Attempts.Any(a => a.StepIndex == attempt.StepIndex && a.Number == attempt.Number))
                {
                    throw new ConcurrencyConflictException("attempt row exists");
                }
            }
        }

        private TaskSnapshot Apply(TaskSnapshot stored, TaskUpdate update) =>
            stored.With(update.Task is null ? null : update.Task with { ETag = NewETag() }, (update.Steps ?? []).Select(s => s with { ETag = NewETag() }))
                with { Attempts = [.. stored.Attempts, .. update.NewAttempts ?? []] };

        private string NewETag() => $"e{Interlocked.Increment(ref _etag)}";
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> _entries = new();

        public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries => [.. _entries];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
