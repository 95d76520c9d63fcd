using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Commands.Agents;

public sealed partial class AgentTaskHandler
{
    /// <summary>
    /// A task that has not finished → cancelled: no further step starts, a running step is signalled to stop,
    /// and the parts of a split task that have not finished are cancelled with it.
    /// </summary>
    public async Task<TaskSnapshot> CancelAsync(Guid taskId, string? info, CancellationToken cancellationToken)
    {
        var snapshot = await ApplyAsync(taskId, (s, data, now) =>
        {
            if (s.Task.Status.IsFinished())
            {
                throw Refused(ConflictKind.CancelNotAllowed, AgentTaskCommand.Cancel, s.Task, data);
            }

            var update = CancelTaskHandler.Cancel(s, now, allowCreated: true);
            return update with { Task = With(update.Task!, data with { Info = info ?? data.Info }, now) };
        }, cancellationToken);
        await mutation.CancelRunAsync(taskId, cancellationToken);
        LogCancelled(taskId);

        // Last part first: a sequential part waits for the one before it and would fail, not cancel, if that went first.
        foreach (var part in PartsOf(snapshot).Reverse())
        {
            try
            {
                await CancelAsync(part, profile.PartCancelledInfo, cancellationToken);
            }
            catch (FuncTasksException ex)
            {
                LogPartNotCascaded(part, taskId, ex.Message);
            }
        }

        return snapshot;
    }

    /// <summary>
    /// Only a failed task can be retried. An agent-driven task goes back to ready for any agent to take;
    /// a planned task resumes at its failed step (completed steps never run again); a split task first
    /// retries its failed parts, then waits for them again.
    /// </summary>
    public async Task<TaskSnapshot> RetryAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var current = await GetAsync(taskId, cancellationToken);
        if (current.Task.Status == TaskState.Failed)
        {
            foreach (var part in PartsOf(current))
            {
                await RetryPartAsync(part, taskId, cancellationToken);
            }
        }

        var snapshot = await ApplyAsync(taskId, (s, data, now) =>
        {
            if (data.PhaseOf(s.Task) != AgentTaskPhase.Failed)
            {
                throw Refused(ConflictKind.RetryNotAllowed, AgentTaskCommand.Retry, s.Task, data);
            }

            var update = RetryTaskHandler.Retry(s, now);
            var again = data.Kind == AgentTaskKind.Agent
                ? data with { AckedBy = null, AckedAt = null, Progress = null, Info = null, Outcome = null, OutcomeAcknowledgedAt = null }
                : data with { Outcome = null, OutcomeAcknowledgedAt = null };
            return update with { Task = With(update.Task!, again, now) };
        }, cancellationToken);
        await ScheduleEngineWorkAsync(snapshot, cancellationToken);
        LogRetried(taskId, AgentTaskData.Of(snapshot.Task).PhaseOf(snapshot.Task));
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
        (AgentTaskData.Of(snapshot.Task).PartIds ?? []).Select(p => TaskIds.TryParse(p, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId} cancelled")]
    private partial void LogCancelled(Guid taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId} retried; now {Phase}")]
    private partial void LogRetried(Guid taskId, AgentTaskPhase phase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Part {PartId} of agent task {TaskId} was left as it is: {Reason}")]
    private partial void LogPartNotCascaded(Guid partId, Guid taskId, string reason);
}
