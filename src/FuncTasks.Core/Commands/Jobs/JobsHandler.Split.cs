using System.Globalization;
using System.Text.Json;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Commands.Jobs;

/// <param name="PartData">One entry per part (its <c>partData</c>, or null).</param>
public sealed record SplitJob(IReadOnlyList<JsonElement?> PartData, bool RunInParallel);

public sealed partial class JobsHandler
{
    public const int MaxParts = 50;

    /// <summary>
    /// Splits an agent-driven job that is ready or executing into agent-driven parts (<c>parentId</c>, <c>part</c>
    /// 1..n). Sequential parts each wait for the previous one (their predecessor); parallel parts are all ready at
    /// once. The parent's agent step completes and an <c>await-tasks</c> step makes it wait for every part: it
    /// completes after the last and fails when one fails.
    /// </summary>
    public async Task<TaskSnapshot> SplitAsync(Guid jobId, SplitJob split, CancellationToken cancellationToken)
    {
        if (split.PartData.Count is < 1 or > MaxParts)
        {
            throw new InvalidRequestException("parts", $"'parts' must be between 1 and {MaxParts} (a number, or an array of partData objects).");
        }

        var parent = await GetAsync(jobId, cancellationToken);
        CheckSplittable(parent.Task, JobData.Of(parent.Task));
        var data = JobData.Of(parent.Task);
        var execution = split.RunInParallel ? "parallel" : "sequential";
        var parts = new List<TaskSnapshot>();
        TaskSnapshot snapshot;
        try
        {
            for (var i = 0; i < split.PartData.Count; i++)
            {
                var previous = !split.RunInParallel && i > 0 ? parts[i - 1].Task.Id.ToString() : null;
                var part = new JobData
                {
                    Kind = JobKind.Agent,
                    AwaitsPredecessors = previous is not null,
                    Source = data.Source,
                    Destination = data.Destination,
                    Trigger = "immediate",
                    Mode = data.Mode,
                    FileId = data.FileId,
                    EnvironmentId = data.EnvironmentId,
                    SpaceId = data.SpaceId,
                    CreatedBy = data.CreatedBy,
                    Managed = data.Managed,
                    Config = data.Config,
                    Input = data.Input,
                    Subject = data.Subject,
                    Metadata = data.Metadata,
                    ParentId = jobId.ToString(),
                    Part = i + 1,
                    PartData = split.PartData[i],
                    PartExecution = execution,
                    PredecessorIds = previous is null ? null : [previous],
                };
                parts.Add(await InsertAsync(Guid.Empty, parent.Task.Type, parent.Task.Name, part, plan: null, start: true, cancellationToken, schedule: false));
            }

            var ids = parts.Select(p => p.Task.Id).ToList();
            snapshot = await ApplyAsync(jobId, (s, d, now) => Split(s, d, ids, now), cancellationToken);
        }
        catch (Exception ex) when (ex is FuncTasksException or ConcurrencyConflictException)
        {
            foreach (var part in parts)
            {
                await store.SaveAsync(part, new TaskUpdate { DeletesTask = true }, CancellationToken.None);
            }

            throw;
        }

        foreach (var part in parts)
        {
            await ScheduleEngineWorkAsync(part, cancellationToken);
        }

        await mutation.ScheduleAsync(snapshot, cancellationToken);
        LogSplit(jobId, parts.Count, execution);
        return snapshot;
    }

    private TaskUpdate Split(TaskSnapshot s, JobData data, IReadOnlyList<Guid> parts, DateTimeOffset now)
    {
        CheckSplittable(s.Task, data);
        var (_, step) = Claimed(s, now);
        if (step is null)
        {
            throw new TaskConflictException(ConflictKind.EditNotAllowed, "Job can not be split: no agent step is waiting.", Word(data.PhaseOf(s.Task)));
        }

        var output = string.Create(CultureInfo.InvariantCulture, $"Split into {parts.Count} parts.");
        var done = step with { Status = StepState.Completed, CompletedAt = now, ActiveAttempt = null, Output = output };
        var attempt = new StepAttempt
        {
            TaskId = s.Task.Id,
            StepIndex = step.Index,
            Number = step.ActiveAttempt ?? step.AttemptCount,
            StartedAt = step.StartedAt ?? now,
            FinishedAt = now,
            Params = step.Params,
            Outcome = StepState.Completed,
        };
        var waiting = AwaitStep(JobData.StepParts, parts).ToPendingStep(s.Task.Id, s.Task.StepCount, now);
        var split = data with
        {
            Kind = JobKind.Parent,
            PartIds = parts.Select(p => p.ToString()).ToList(),
            AckedAt = data.AckedAt ?? now,
            Info = data.Info ?? output,
        };
        var task = StepExecutor.Progressed(s.Task with { StepCount = s.Task.StepCount + 1 }, now) with
        {
            Generation = s.Task.Generation + 1,
            StartedAt = s.Task.StartedAt ?? now,
            Extensions = split.ToJson(),
        };
        return new TaskUpdate(task, [done], [attempt]) { AddedSteps = [waiting] };
    }

    private static void CheckSplittable(TaskRecord task, JobData data)
    {
        var phase = data.PhaseOf(task);
        if (data.Kind != JobKind.Agent || phase is not (JobPhase.Ready or JobPhase.Executing))
        {
            throw new TaskConflictException(ConflictKind.EditNotAllowed, data.Kind switch
            {
                JobKind.Parent => "Job can not be split: it was split already.",
                JobKind.Planned => "Job can not be split: it runs a plan; only an agent-driven job can be split into parts.",
                _ => $"Job can not be split: it is {Word(phase)}. Only a ready or executing job can be split.",
            }, Word(phase));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} split into {Parts} {Execution} parts")]
    private partial void LogSplit(Guid jobId, int parts, string execution);
}
