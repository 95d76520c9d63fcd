using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Commands.Jobs;

public sealed partial class JobsHandler
{
    /// <summary>
    /// A job that has not finished → canceled: no further step starts, a running step is signalled to stop,
    /// and the parts of a split job that have not finished are canceled with it.
    /// </summary>
    public async Task<TaskSnapshot> CancelAsync(Guid jobId, string? info, CancellationToken cancellationToken)
    {
        var snapshot = await ApplyAsync(jobId, (s, data, now) =>
        {
            if (s.Task.Status.IsFinished())
            {
                var phase = Word(data.PhaseOf(s.Task));
                throw new TaskConflictException(ConflictKind.CancelNotAllowed,
                    $"Job can not be canceled: it is {phase}. Only a job that has not finished can be canceled.", phase);
            }

            var update = CancelTaskHandler.Cancel(s, now, allowCreated: true);
            return update with { Task = With(update.Task!, data with { Info = info ?? data.Info }, now) };
        }, cancellationToken);
        await mutation.CancelRunAsync(jobId, cancellationToken);
        LogCanceled(jobId);

        // Last part first: a sequential part waits for the one before it and would fail, not cancel, if that went first.
        foreach (var part in PartsOf(snapshot).Reverse())
        {
            try
            {
                await CancelAsync(part, "Canceled with its parent job.", cancellationToken);
            }
            catch (FuncTasksException ex)
            {
                LogPartNotCascaded(part, jobId, ex.Message);
            }
        }

        return snapshot;
    }

    /// <summary>
    /// Only a failed job can be retried. An agent-driven job goes back to ready for any agent to take;
    /// a planned job resumes at its failed step (completed steps never run again); a split job first
    /// retries its failed parts, then waits for them again.
    /// </summary>
    public async Task<TaskSnapshot> RetryAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var current = await GetAsync(jobId, cancellationToken);
        if (current.Task.Status == TaskState.Failed)
        {
            foreach (var part in PartsOf(current))
            {
                await RetryPartAsync(part, jobId, cancellationToken);
            }
        }

        var snapshot = await ApplyAsync(jobId, (s, data, now) =>
        {
            var phase = data.PhaseOf(s.Task);
            if (phase != JobPhase.Failed)
            {
                throw new TaskConflictException(ConflictKind.RetryNotAllowed,
                    $"Job can not be retried: it is {Word(phase)}. Only a failed job can be retried.", Word(phase));
            }

            var update = RetryTaskHandler.Retry(s, now);
            var again = data.Kind == JobKind.Agent
                ? data with { AckedBy = null, AckedAt = null, Progress = null, Info = null, Outcome = null, OutcomeAcknowledgedAt = null }
                : data with { Outcome = null, OutcomeAcknowledgedAt = null };
            return update with { Task = With(update.Task!, again, now) };
        }, cancellationToken);
        await ScheduleEngineWorkAsync(snapshot, cancellationToken);
        LogRetried(jobId, Word(JobData.Of(snapshot.Task).PhaseOf(snapshot.Task)));
        return snapshot;
    }

    private async Task RetryPartAsync(Guid part, Guid parent, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await store.GetAsync(part, includeAttempts: false, cancellationToken);
            if (snapshot?.Task.Status == TaskState.Failed)
            {
                await RetryAsync(part, cancellationToken);
            }
        }
        catch (FuncTasksException ex)
        {
            LogPartNotCascaded(part, parent, ex.Message);
        }
    }

    private static IEnumerable<Guid> PartsOf(TaskSnapshot snapshot) =>
        (JobData.Of(snapshot.Task).PartIds ?? []).Select(p => TaskIds.TryParse(p, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} canceled")]
    private partial void LogCanceled(Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} retried; now {Status}")]
    private partial void LogRetried(Guid jobId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Part {PartId} of job {JobId} was left as it is: {Reason}")]
    private partial void LogPartNotCascaded(Guid partId, Guid jobId, string reason);
}
