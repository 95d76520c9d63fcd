namespace FuncTasks.Core.Engine;

/// <summary>Waits measured on the wall clock that stamps <c>StartedAt</c> and <c>CompletedAt</c>.</summary>
public static class WallClock
{
    private static readonly TimeSpan OneTick = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Waits until <paramref name="time"/>'s clock reads at least <paramref name="due"/>. A timer counts on a coarser,
    /// monotonic tick (on Linux, whole milliseconds), so a single <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>
    /// may end up to a tick before the wall clock reaches its end; a delay step must never complete early, so the rest is waited.
    /// </summary>
    public static async Task DelayUntilAsync(this TimeProvider time, DateTimeOffset due, CancellationToken cancellationToken)
    {
        for (var left = due - time.GetUtcNow(); left > TimeSpan.Zero; left = due - time.GetUtcNow())
        {
            // A left-over under a tick waits a tick (a shorter timer would fire at once and spin).
            await Task.Delay(left < OneTick ? OneTick : left, time, cancellationToken);
        }
    }
}
