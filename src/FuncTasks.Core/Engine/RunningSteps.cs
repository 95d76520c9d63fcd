using System.Collections.Concurrent;

namespace FuncTasks.Core.Engine;

/// <summary>
/// The steps running in this process, by task, so a cancel can reach the running action's
/// cancellation token at once. Runners on other hosts learn of a cancel by polling the task row.
/// </summary>
public sealed class RunningSteps
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public int Count => _running.Count;

    public IReadOnlyCollection<Guid> TaskIds => [.. _running.Keys];

    public CancellationTokenSource Register(Guid taskId)
    {
        var source = new CancellationTokenSource();
        _running.AddOrUpdate(taskId, source, (_, _) => source);
        return source;
    }

    public void Unregister(Guid taskId, CancellationTokenSource source)
    {
        _running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(taskId, source));
        source.Dispose();
    }

    /// <summary>Signals the task's running step, if it runs here; true when one was signalled.</summary>
    public bool Cancel(Guid taskId)
    {
        if (!_running.TryGetValue(taskId, out var source))
        {
            return false;
        }

        try
        {
            source.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}
