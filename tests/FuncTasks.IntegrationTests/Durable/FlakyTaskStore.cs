using FuncTasks.Core;
using FuncTasks.Core.Model;
using FuncTasks.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Durable;

/// <summary>
/// The real table store, except that full reads (<see cref="ITaskStore.GetAsync"/>) of the task named
/// <see cref="TaskName"/> fail: the first <see cref="Pass"/> reads go through, the next <see cref="Failures"/> throw
/// <see cref="InvalidOperationException"/>, and the store behaves from then on. A fault that is not a storage outage, so
/// the engine does not wait it out: the activity that reads fails, and the orchestrator's retry policy takes over.
/// </summary>
public sealed class FlakyTaskStore(ITaskStore inner, string taskName, int pass, int failures) : ITaskStore
{
    private readonly Lock _gate = new();
    private Guid? _taskId;
    private int _reads;

    public string TaskName => taskName;

    public int Pass => pass;

    public int Failures => failures;

    /// <summary>Reads that threw so far.</summary>
    public int Thrown { get; private set; }

    /// <summary>Replaces the registered store with one over <see cref="TableTaskStore"/> (the last registration wins).</summary>
    public static void Register(IServiceCollection services, string taskName, int pass, int failures) =>
        services.AddSingleton<ITaskStore>(sp => new FlakyTaskStore(sp.GetRequiredService<TableTaskStore>(), taskName, pass, failures));

    public async Task<TaskSnapshot> CreateAsync(TaskRecord task, IReadOnlyList<TaskStep> steps, CancellationToken cancellationToken)
    {
        var created = await inner.CreateAsync(task, steps, cancellationToken);
        if (task.Name == taskName)
        {
            lock (_gate)
            {
                _taskId = task.Id;
            }
        }

        return created;
    }

    public Task<TaskSnapshot?> GetAsync(Guid taskId, bool includeAttempts, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (taskId == _taskId)
            {
                var read = ++_reads;
                if (read > pass && read <= pass + failures)
                {
                    Thrown++;
                    throw new InvalidOperationException($"Test fault: read {read} of task {taskId} fails ({Thrown} of {failures}).");
                }
            }
        }

        return inner.GetAsync(taskId, includeAttempts, cancellationToken);
    }

    public Task<TaskRecord?> GetTaskAsync(Guid taskId, CancellationToken cancellationToken) => inner.GetTaskAsync(taskId, cancellationToken);

    public Task<TaskSnapshot> SaveAsync(TaskSnapshot current, TaskUpdate update, CancellationToken cancellationToken) =>
        inner.SaveAsync(current, update, cancellationToken);

    public Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    public Task<IReadOnlyList<TaskEvent>?> GetEventsAsync(Guid taskId, CancellationToken cancellationToken) =>
        inner.GetEventsAsync(taskId, cancellationToken);
}
