using FuncTasks.Core.Actions;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Tests.Engine;

public sealed class WallClockTests
{
    /// <summary>The system clock, with timers that fire 20 ms before their time (as a coarse tick can, by up to a tick).</summary>
    private sealed class EarlyTimers : TimeProvider
    {
        public static readonly TimeSpan Early = TimeSpan.FromMilliseconds(20);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, dueTime > Early ? dueTime - Early : TimeSpan.Zero, period);
    }

    [Fact]
    public async Task A_wait_ends_only_once_the_wall_clock_reached_its_end_even_when_timers_fire_early()
    {
        var time = new EarlyTimers();
        var due = time.GetUtcNow() + TimeSpan.FromMilliseconds(100);

        await time.DelayUntilAsync(due, CancellationToken.None);

        Assert.True(time.GetUtcNow() >= due, $"ended {(due - time.GetUtcNow()).TotalMilliseconds:F2} ms early");
    }

    [Fact]
    public async Task A_delay_step_never_completes_before_its_seconds_passed_on_the_wall_clock()
    {
        var time = new EarlyTimers();
        var action = new DelayStepAction(time);
        var context = new StepContext(Guid.NewGuid(), Guid.NewGuid(), "wait", 1, new Dictionary<string, ParamValue> { ["seconds"] = ParamValue.Of(0.1) });
        var started = time.GetUtcNow();

        var result = await action.ExecuteAsync(context, CancellationToken.None);

        var took = time.GetUtcNow() - started;
        Assert.True(took >= TimeSpan.FromMilliseconds(100), $"took {took.TotalMilliseconds:F2} ms of 100");
        Assert.Equal(StepResult.Completed(), result);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_with_the_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TimeProvider.System.DelayUntilAsync(DateTimeOffset.UtcNow.AddMinutes(1), cancel.Token));
    }
}
