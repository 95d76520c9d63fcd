using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Engine;

/// <summary>
/// <see cref="ITaskLoopContext"/> for an orchestrator. Deterministic: it only calls <see cref="ITaskOrchestration"/>,
/// so a replay takes the same path. One <c>ExecuteStep</c> activity runs consecutive steps; when it reports that a
/// <c>delay</c> step (claimed by it) or a step's next attempt is due later, the loop waits on a durable timer before the next
/// activity; a failed or waiting step waits for <c>resume</c>, whose payload is the new run generation.
/// </summary>
public sealed class OrchestratedTaskLoop(ITaskOrchestration orchestration, TaskRun start) : ITaskLoopContext
{
    private TimeSpan? _nextDelay;
    private TimeSpan? _timeoutAfter;

    /// <summary>The run as it stands (its generation moves on with each resume).</summary>
    public TaskRun Run { get; private set; } = start;

    public static Task<StepRunKind> RunAsync(ITaskOrchestration orchestration, TaskRun run) =>
        TaskLoop.RunAsync(new OrchestratedTaskLoop(orchestration, run));

    public async Task<StepRunKind> RunNextStepAsync()
    {
        // The previous activity's report says whether the next step waits (a delay step it claimed, a retry's next attempt).
        // At the start and after a resume nothing is known and the activity finds out: a delay step it reaches is claimed
        // and reported, so no look-ahead activity runs before it.
        if (_nextDelay is { } delay && delay > TimeSpan.Zero)
        {
            _nextDelay = null;
            await orchestration.DelayAsync(delay);
        }

        var report = await orchestration.ExecuteStepAsync(Run);
        _nextDelay = report.Kind == StepRunKind.Waiting ? null : report.NextDelay;
        _timeoutAfter = report.Kind == StepRunKind.Waiting ? report.NextDelay : null;
        return report.Broken is { } failure ? await BrokenAsync(failure) : report.Kind;
    }

    /// <summary>A run whose activity never reached an outcome: marked failed (retryable), and the loop waits for a resume.</summary>
    private async Task<StepRunKind> BrokenAsync(FailureDetails failure)
    {
        await orchestration.FailRunAsync(new BrokenRun(Run.TaskId, Run.Generation, failure));
        _nextDelay = null;
        return StepRunKind.StepFailed;
    }

    public async Task<bool> WaitForResumeAsync(StepRunKind reason)
    {
        // An external step with timeoutSeconds: waited for until then at most; the step then runs again and fails as a timeout.
        var timeout = _timeoutAfter is { } t && t < Run.ResumeTimeout ? t : (TimeSpan?)null;
        _timeoutAfter = null;
        var generation = await orchestration.WaitForResumeAsync(timeout ?? Run.ResumeTimeout);
        if (generation is not { } g)
        {
            return timeout is not null;
        }

        Run = Run with { Generation = Math.Max(Run.Generation, g) };
        return true;
    }
}
