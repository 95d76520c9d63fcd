using System.Text.Json;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Commands.Agents;

public sealed record AckAgentTask(string Agent, string? Info, int? Progress, DateTimeOffset? EstimatedCompletionAt);

public sealed record FinishAgentTask(JsonElement? Outcome, string? Info);

public sealed partial class AgentTaskHandler
{
    public const int MaxOutputLength = 4096;

    /// <summary>
    /// The first ack of a ready task takes it for that agent (executing); later acks by the same agent report
    /// progress and info. An ack by another agent, or of a task in any other phase, is a conflict.
    /// </summary>
    public async Task<TaskSnapshot> AckAsync(Guid taskId, AckAgentTask ack, CancellationToken cancellationToken)
    {
        var snapshot = await ApplyAsync(taskId, (s, data, now) =>
        {
            var phase = data.PhaseOf(s.Task);
            if (data.Kind == AgentTaskKind.Agent && phase == AgentTaskPhase.Ready)
            {
                var taken = data with
                {
                    AckedBy = ack.Agent,
                    AckedAt = now,
                    Progress = ack.Progress ?? data.Progress ?? 0,
                    Info = ack.Info ?? data.Info,
                    EstimatedCompletionAt = ack.EstimatedCompletionAt ?? data.EstimatedCompletionAt,
                };
                var (_, step) = Claimed(s, now);
                return new TaskUpdate(With(s.Task, taken, now) with { StartedAt = s.Task.StartedAt ?? now, Progress = taken.Progress ?? 0 }, step is null ? [] : [step]);
            }

            if (data.Kind == AgentTaskKind.Agent && phase == AgentTaskPhase.Executing)
            {
                if (!string.Equals(data.AckedBy, ack.Agent, StringComparison.Ordinal))
                {
                    throw Refused(ConflictKind.CompleteNotAllowed, AgentTaskCommand.Ack, s.Task, data, ackedBy: data.AckedBy);
                }

                var reported = data with
                {
                    Progress = ack.Progress ?? data.Progress,
                    Info = ack.Info ?? data.Info,
                    EstimatedCompletionAt = ack.EstimatedCompletionAt ?? data.EstimatedCompletionAt,
                };
                return new TaskUpdate(With(s.Task, reported, now) with { Progress = reported.Progress ?? 0 });
            }

            throw Refused(ConflictKind.CompleteNotAllowed, AgentTaskCommand.Ack, s.Task, data);
        }, cancellationToken);
        LogAcked(taskId, ack.Agent, ack.Progress);
        return snapshot;
    }

    public Task<TaskSnapshot> CompleteAsync(Guid taskId, FinishAgentTask finish, CancellationToken cancellationToken) =>
        FinishAsync(taskId, finish, failed: false, cancellationToken);

    public Task<TaskSnapshot> FailAsync(Guid taskId, FinishAgentTask finish, CancellationToken cancellationToken) =>
        FinishAsync(taskId, finish, failed: true, cancellationToken);

    /// <summary>Sets when a user saw the outcome of a finished task (the first time counts).</summary>
    public Task<TaskSnapshot> AckOutcomeAsync(Guid taskId, CancellationToken cancellationToken) =>
        ApplyAsync(taskId, (s, data, now) =>
        {
            if (!s.Task.Status.IsFinished())
            {
                throw Refused(ConflictKind.EditNotAllowed, AgentTaskCommand.AckOutcome, s.Task, data);
            }

            return data.OutcomeAcknowledgedAt is null
                ? new TaskUpdate(With(s.Task, data with { OutcomeAcknowledgedAt = now }, now))
                : new TaskUpdate();
        }, cancellationToken);

    /// <summary>
    /// Completes or fails the task's waiting <c>external</c> step (the agent step, or an external step of a plan)
    /// through <see cref="CompleteExternalStepHandler"/>, storing the outcome and info with the task.
    /// </summary>
    private async Task<TaskSnapshot> FinishAsync(Guid taskId, FinishAgentTask finish, bool failed, CancellationToken cancellationToken)
    {
        var outcome = finish.Outcome is { } o ? FailureDetails.Cap(o.GetRawText(), MaxOutputLength) : null;
        var snapshot = await ApplyAsync(taskId, (s, data, now) =>
        {
            var phase = data.PhaseOf(s.Task);
            var (claimed, step) = phase is AgentTaskPhase.Ready or AgentTaskPhase.Executing ? Claimed(s, now) : (s, null);
            if (step is null)
            {
                throw Refused(ConflictKind.CompleteNotAllowed, failed ? AgentTaskCommand.Fail : AgentTaskCommand.Complete, s.Task, data);
            }

            var failure = failed
                ? new FailureDetails(profile.AgentFailureType, finish.Info ?? MessageOf(finish.Outcome) ?? profile.AgentFailureMessage)
                : null;
            var update = CompleteExternalStepHandler.Complete(claimed, step.Index, new CompleteExternalStep(step.Id, null, outcome, failure), now);
            var finished = data with
            {
                Outcome = finish.Outcome ?? data.Outcome,
                Info = finish.Info ?? data.Info,
                AckedAt = data.Kind == AgentTaskKind.Agent ? data.AckedAt ?? now : data.AckedAt,
            };
            return update with { Task = With(update.Task!, finished, now) };
        }, cancellationToken);
        if (snapshot.Task.Status == TaskState.InProgress)
        {
            await mutation.ScheduleAsync(snapshot, cancellationToken);
        }
        else if (snapshot.Task.Status == TaskState.Succeeded)
        {
            await mutation.ReleaseRunAsync(snapshot);
        }

        LogFinished(taskId, failed ? "failed" : "completed");
        return snapshot;
    }

    /// <summary>
    /// The external step an agent works on, claimed (Started, a new attempt) if the runner has not done so yet;
    /// null when no external step is waiting.
    /// </summary>
    private static (TaskSnapshot Snapshot, TaskStep? Step) Claimed(TaskSnapshot snapshot, DateTimeOffset now)
    {
        var step = snapshot.NextRunnableStep;
        if (step is null || !AgentTaskData.IsAgentStep(step))
        {
            return (snapshot, null);
        }

        if (step.Status == StepState.Started && step.ActiveAttempt is not null)
        {
            return (snapshot, step);
        }

        if (step.Status != StepState.Pending)
        {
            return (snapshot, null);
        }

        var claimed = step with
        {
            Status = StepState.Started,
            AttemptCount = step.AttemptCount + 1,
            ActiveAttempt = step.AttemptCount + 1,
            StartedAt = now,
            CompletedAt = null,
            Error = null,
        };
        return (snapshot.With(steps: [claimed]), claimed);
    }

    private static string? MessageOf(JsonElement? outcome) =>
        outcome is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId} acknowledged by {Agent} (progress {Progress})")]
    private partial void LogAcked(Guid taskId, string agent, int? progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId} {Outcome}")]
    private partial void LogFinished(Guid taskId, string outcome);
}
