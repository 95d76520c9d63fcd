using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>The orchestrated runner's settings (configuration section <c>FuncTasks:Runner</c>, shared with the queue runner's).</summary>
public sealed class OrchestrationOptions
{
    public const string Section = "FuncTasks:Runner";
    public const string DurableKind = "Durable";

    /// <summary>Which runner the host uses; the Functions app runs only the Durable runner and refuses any other.</summary>
    public string Kind { get; set; } = DurableKind;

    /// <summary>
    /// How long an orchestration waits for a retry, a restart or an external completion before it ends. Nothing
    /// is lost when it ends: a later retry, restart or completion starts a new orchestration for the task.
    /// </summary>
    public TimeSpan ResumeTimeout { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often a running step's activity checks the task row for a cancel made through another instance.</summary>
    public TimeSpan CancelCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one <c>ExecuteStep</c> activity goes on starting further steps of its task before it hands back to the
    /// orchestration (a step running then finishes first). Zero: one step per activity. At most <see cref="MaxStepBatchTime"/>,
    /// well under the Functions activity timeout.
    /// </summary>
    public TimeSpan StepBatchTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How much of a <c>delay</c> step's wait the <c>ExecuteStep</c> activity waits itself instead of a durable timer. A delay
    /// this short (or shorter) is waited whole inside the activity; a longer one waits on a durable timer that ends half of this
    /// before the step is due, and the next activity waits the rest. A durable timer is seen only when its queue is next polled
    /// (up to the backend's longest polling interval after it is due) and costs two orchestration episodes more; so a timer up
    /// to half of this late still ends the step on time. Zero: the whole wait on a durable timer. At most
    /// <see cref="MaxDelayInActivity"/>. A host stopped during such a wait lets the activity run again elsewhere, which waits
    /// what is left of the step's time (counted from its start), never less.
    /// </summary>
    public TimeSpan DelayInActivity { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The longest <see cref="DelayInActivity"/> a host accepts (an activity must stay well under its timeout).</summary>
    public static TimeSpan MaxDelayInActivity { get; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest <see cref="StepBatchTime"/> a host accepts.</summary>
    public static TimeSpan MaxStepBatchTime { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Tries of an activity that could not run to an outcome before the run is marked broken (failed, retryable).</summary>
    public int ActivityMaxAttempts { get; set; } = ActivityRetry.Default.MaxAttempts;

    /// <summary>First wait before such an activity is tried again; doubles per try up to two minutes.</summary>
    public TimeSpan ActivityFirstRetryInterval { get; set; } = ActivityRetry.Default.FirstInterval;

    public ActivityRetry ActivityRetry => new(ActivityMaxAttempts, ActivityFirstRetryInterval, ActivityRetry.Default.MaxInterval);

    public bool IsDurable => string.Equals(Kind, DurableKind, StringComparison.OrdinalIgnoreCase);
}
