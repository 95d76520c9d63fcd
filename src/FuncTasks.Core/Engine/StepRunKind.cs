using System.Runtime.ExceptionServices;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

public enum StepRunKind
{
    /// <summary>The task is not in progress (finished, cancelled, stale generation) or does not exist.</summary>
    NothingToDo,

    /// <summary>A step completed and more steps follow.</summary>
    StepCompleted,
    TaskSucceeded,
    StepFailed,

    /// <summary>An external step waits for someone to complete it.</summary>
    Waiting,
    Cancelled,

    /// <summary>The host is stopping: nothing was recorded, the run resumes at this step elsewhere.</summary>
    Interrupted,

    /// <summary>
    /// The next step waits before it runs, nothing runs now (see <see cref="StepRunOutcome.DelayLeft"/>): a step waiting for its
    /// next attempt after a failure its retry policy retries (both runners), or under an orchestrator a <c>delay</c> step whose
    /// time has not passed.
    /// </summary>
    DelayPending,
}
