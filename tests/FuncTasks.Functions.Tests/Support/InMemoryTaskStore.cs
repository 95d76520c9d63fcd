using FuncTasks.Core;
using FuncTasks.Core.Model;
using Moq;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>
/// Tasks kept in memory behind a Moq <see cref="ITaskStore"/>, with one ETag per row as Table Storage has:
/// a write with a stale ETag throws <see cref="ConcurrencyConflictException"/>. Each write's audit events are kept as
/// the Table store keeps them (derived by <see cref="TaskAudit"/>, numbered from the task row's counter).
/// </summary>
public sealed class InMemoryTaskStore
{
    private readonly Dictionary<Guid, (TaskRecord Task, Dictionary<int, TaskStep> Steps, List<StepAttempt> Attempts)> _tasks = [];
    private readonly Dictionary<Guid, List<IReadOnlyList<TaskEvent>>> _events = [];
    private int _etag;

    public InMemoryTaskStore()
    {
        Mock.Setup(s => s.CreateAsync(It.IsAny<TaskRecord>(), It.IsAny<IReadOnlyList<TaskStep>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskRecord task, IReadOnlyList<TaskStep> steps, CancellationToken _) => Create(task, steps));
        Mock.Setup(s => s.GetAsync(It.IsAny<Guid>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Guid id, bool attempts, CancellationToken _) => Get(id, attempts));
        Mock.Setup(s => s.GetTaskAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Guid id, CancellationToken _) => Get(id, false)?.Task);
        Mock.Setup(s => s.SaveAsync(It.IsAny<TaskSnapshot>(), It.IsAny<TaskUpdate>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskSnapshot current, TaskUpdate update, CancellationToken _) => Save(current, update));
        Mock.Setup(s => s.GetEventsAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Guid id, CancellationToken _) => Events(id));
        // Remembers no snapshot for the next run: every run starts with a read.
        Mock.Setup(s => s.TakeStarted(It.IsAny<Guid>(), It.IsAny<int>())).Returns((TaskSnapshot?)null);
    }

    public Mock<ITaskStore> Mock { get; } = new(MockBehavior.Strict);

    public ITaskStore Store => Mock.Object;

    public TaskSnapshot Snapshot(Guid taskId) => Get(taskId, includeAttempts: true) ?? throw new InvalidOperationException($"No task {taskId}.");

    private string NextETag() => $"W/\"{Interlocked.Increment(ref _etag)}\"";

    private TaskSnapshot Create(TaskRecord task, IReadOnlyList<TaskStep> steps)
    {
        lock (_tasks)
        {
            if (_tasks.ContainsKey(task.Id))
            {
                throw new ConcurrencyConflictException($"Task {task.Id} exists.");
            }

            _tasks[task.Id] = (task with { ETag = NextETag(), CreatedBy = TaskActor.Resolve(task.CreatedBy) }, steps.ToDictionary(s => s.Index, s => s with { ETag = NextETag() }), []);
            _events[task.Id] = [];
            return Get(task.Id, false)!;
        }
    }

    private TaskSnapshot? Get(Guid id, bool includeAttempts)
    {
        lock (_tasks)
        {
            return _tasks.TryGetValue(id, out var t)
                ? new TaskSnapshot(t.Task, t.Steps.Values.OrderBy(s => s.Index).ToList(), includeAttempts ? [.. t.Attempts] : [])
                : null;
        }
    }

    private IReadOnlyList<TaskEvent>? Events(Guid id)
    {
        lock (_tasks)
        {
            return _tasks.TryGetValue(id, out var t) ? TaskAudit.Trail(t.Task, _events[id]) : null;
        }
    }

    private TaskSnapshot Save(TaskSnapshot current, TaskUpdate update)
    {
        lock (_tasks)
        {
            var events = TaskAudit.Derive(current, update, TaskActor.Resolve(update.Actor), update.Task?.UpdatedAt ?? current.Task.UpdatedAt);
            if (events.Count > 0)
            {
                update = update with { Task = (update.Task ?? current.Task) with { EventCount = current.Task.EventCount + 1 } };
            }

            var stored = _tasks[current.Task.Id];
            if (update.Task is not null && stored.Task.ETag != current.Task.ETag)
            {
                throw new ConcurrencyConflictException("The task row changed.");
            }

            foreach (var step in update.Steps ?? [])
            {
                if (stored.Steps[step.Index].ETag != current.Steps.First(s => s.Index == step.Index).ETag)
                {
                    throw new ConcurrencyConflictException($"Step row {step.Index} changed.");
                }
            }

            var task = update.Task is null ? null : update.Task with { ETag = NextETag() };
            var steps = (update.Steps ?? []).Select(s => s with { ETag = NextETag() }).ToList();
            foreach (var step in steps)
            {
                stored.Steps[step.Index] = step;
            }

            stored.Attempts.AddRange(update.NewAttempts ?? []);
            if (events.Count > 0)
            {
                _events[current.Task.Id].Add(events);
            }

            _tasks[current.Task.Id] = (task ?? stored.Task, stored.Steps, stored.Attempts);
            return current.With(task, steps);
        }
    }
}
