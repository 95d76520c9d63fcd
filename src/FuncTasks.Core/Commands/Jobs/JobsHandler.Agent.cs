using System.Text.Json;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Commands.Jobs;

public sealed record AckJob(string Agent, string? Info, int? Progress, DateTimeOffset? EstimatedCompletionAt);

public sealed record FinishJob(JsonElement? Outcome, string? Info);

public sealed partial class JobsHandler
{
    public const int MaxOutputLength = 4096;

    /// <summary>The error type of a job an agent failed (as opposed to one the engine failed).</summary>
    public const string JobFailedErrorType = "FuncTasks.JobFailed";

    /// <summary>
    /// The first ack of a ready job takes it for that agent (executing); later acks by the same agent report
    /// progress and info. An ack by another agent, or of a job in any other phase, is a conflict.
    /// </summary>
    public async Task<TaskSnapshot> AckAsync(Guid jobId, AckJob ack, CancellationToken cancellationToken)
    {
        var snapshot = await ApplyAsync(jobId, (s, data, now) =>
        {
            var phase = data.PhaseOf(s.Task);
            if (data.Kind == JobKind.Agent && phase == JobPhase.Ready)
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

            if (data.Kind == JobKind.Agent && phase == JobPhase.Executing)
            {
                if (!string.Equals(data.AckedBy, ack.Agent, StringComparison.Ordinal))
                {
                    throw new TaskConflictException(ConflictKind.CompleteNotAllowed,
                        $"Job was already acknowledged by another agent ('{data.AckedBy}'); only that agent can report on it.", Word(phase));
                }

                var reported = data with
                {
                    Progress = ack.Progress ?? data.Progress,
                    Info = ack.Info ?? data.Info,
                    EstimatedCompletionAt = ack.EstimatedCompletionAt ?? data.EstimatedCompletionAt,
                };
                return new TaskUpdate(With(s.Task, reported, now) with { Progress = reported.Progress ?? 0 });
            }

            throw new TaskConflictException(ConflictKind.CompleteNotAllowed, data.Kind == JobKind.Agent
                ? $"Job can not be acknowledged: it is {Word(phase)}. Only a ready job can be acknowledged."
                : $"Job can not be acknowledged: it runs a plan whose steps FuncTasks executes (it is {Word(phase)}).", Word(phase));
        }, cancellationToken);
        LogAcked(jobId, ack.Agent, ack.Progress);
        return snapshot;
    }

    public Task<TaskSnapshot> CompleteAsync(Guid jobId, FinishJob finish, CancellationToken cancellationToken) =>
        FinishAsync(jobId, finish, failed: false, cancellationToken);

    public Task<TaskSnapshot> FailAsync(Guid jobId, FinishJob finish, CancellationToken cancellationToken) =>
        FinishAsync(jobId, finish, failed: true, cancellationToken);

    /// <summary>Sets when a user saw the outcome of a finished job (the first time counts).</summary>
    public Task<TaskSnapshot> AckOutcomeAsync(Guid jobId, CancellationToken cancellationToken) =>
        ApplyAsync(jobId, (s, data, now) =>
        {
            if (!s.Task.Status.IsFinished())
            {
                var phase = Word(data.PhaseOf(s.Task));
                throw new TaskConflictException(ConflictKind.EditNotAllowed,
                    $"Job's outcome can not be acknowledged: it is {phase}. Only a finished job has an outcome.", phase);
            }

            return data.OutcomeAcknowledgedAt is null
                ? new TaskUpdate(With(s.Task, data with { OutcomeAcknowledgedAt = now }, now))
                : new TaskUpdate();
        }, cancellationToken);

    /// <summary>
    /// Completes or fails the job's waiting <c>external</c> step (the agent step, or an external step of a plan)
    /// through <see cref="CompleteExternalStepHandler"/>, storing the outcome and info with the job.
    /// </summary>
    private async Task<TaskSnapshot> FinishAsync(Guid jobId, FinishJob finish, bool failed, CancellationToken cancellationToken)
    {
        var outcome = finish.Outcome is { } o ? FailureDetails.Cap(o.GetRawText(), MaxOutputLength) : null;
        var snapshot = await ApplyAsync(jobId, (s, data, now) =>
        {
            var phase = data.PhaseOf(s.Task);
            var verb = failed ? "failed" : "completed";
            var (claimed, step) = phase is JobPhase.Ready or JobPhase.Executing ? Claimed(s, now) : (s, null);
            if (step is null)
            {
                throw new TaskConflictException(ConflictKind.CompleteNotAllowed, phase switch
                {
                    JobPhase.Scheduled => $"Job can not be {verb}: it is scheduled and still waits for its predecessors.",
                    JobPhase.Executing => $"Job can not be {verb}: it runs a plan whose steps FuncTasks executes, and none of them waits for an agent.",
                    _ => $"Job can not be {verb}: it is {Word(phase)}. Only a ready or executing job can be {verb}.",
                }, Word(phase));
            }

            var failure = failed
                ? new FailureDetails(JobFailedErrorType, finish.Info ?? MessageOf(finish.Outcome) ?? "The agent failed the job.")
                : null;
            var update = CompleteExternalStepHandler.Complete(claimed, step.Index, new CompleteExternalStep(step.Id, null, outcome, failure), now);
            var finished = data with
            {
                Outcome = finish.Outcome ?? data.Outcome,
                Info = finish.Info ?? data.Info,
                AckedAt = data.Kind == JobKind.Agent ? data.AckedAt ?? now : data.AckedAt,
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

        LogFinished(jobId, failed ? "failed" : "complete");
        return snapshot;
    }

    /// <summary>
    /// The external step an agent works on, claimed (Started, a new attempt) if the runner has not done so yet;
    /// null when no external step is waiting.
    /// </summary>
    private static (TaskSnapshot Snapshot, TaskStep? Step) Claimed(TaskSnapshot snapshot, DateTimeOffset now)
    {
        var step = snapshot.NextRunnableStep;
        if (step is null || !JobData.IsAgentStep(step))
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} acknowledged by {Agent} (progress {Progress})")]
    private partial void LogAcked(Guid jobId, string agent, int? progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} {Outcome}")]
    private partial void LogFinished(Guid jobId, string outcome);
}
