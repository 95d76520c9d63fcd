using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Engine;

/// <summary>
/// <see cref="ITaskLoopContext"/> for an orchestrator. Deterministic: it only calls <see cref="ITaskOrchestration"/>,
/// so a replay takes the same path. A <c>delay</c> step is waited on a durable timer before its (instant) run;
/// a failed or waiting step waits for <c>resume</c>, whose payload is the new run generation.
/// </summary>
public sealed class OrchestratedTaskLoop(ITaskOrchestration orchestration, TaskRun start) : ITaskLoopContext
{
    private bool _lookAhead = true;
    private TimeSpan? _nextDelay;
    private TimeSpan? _timeoutAfter;

    /// <summary>The run as it stands (its generation moves on with each resume).</summary>
    public TaskRun Run { get; private set; } = start;

    public static Task<StepRunKind> RunAsync(ITaskOrchestration orchestration, TaskRun run) =>
        TaskLoop.RunAsync(new OrchestratedTaskLoop(orchestration, run));

    public async Task<StepRunKind> RunNextStepAsync()
    {
        // At the start and after a resume the next step is unknown (it may be a restarted delay step); after a step, its
        // report says whether a delay step follows. A delay step is claimed when its timer starts, so it shows as started.
        if (_lookAhead || _nextDelay is not null)
        {
            _lookAhead = false;
            var delay = await orchestration.StartDelayAsync(Run);
            if (delay.Broken is { } broken)
            {
                return await BrokenAsync(broken);
            }

            if (delay.Remaining is { } remaining && remaining > TimeSpan.Zero)
            {
                await orchestration.DelayAsync(remaining);
            }
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
            if (timeout is null)
            {
                return false;
            }

            _lookAhead = true;
            return true;
        }

        Run = Run with { Generation = Math.Max(Run.Generation, g) };
        _lookAhead = true;
        return true;
    }
}
