using System.Globalization;
using System.Text.Json;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Commands.Agents;

/// <param name="PartData">One entry per part (its part data, or null).</param>
public sealed record SplitAgentTask(IReadOnlyList<JsonElement?> PartData, bool RunInParallel);

public sealed partial class AgentTaskHandler
{
    public const int MaxParts = 50;

    /// <summary>
    /// Splits an agent-driven task that is ready or executing into agent-driven parts (<c>parentId</c>, <c>part</c>
    /// 1..n) that start at once with the parent's dialect fields (those of <see cref="AgentTaskProfile.PartFields"/>
    /// set over them). Sequential parts each wait for the previous one (their predecessor); parallel parts are all
    /// ready at once. The parent's agent step completes and an <c>await-tasks</c> step makes it wait for every part:
    /// it completes after the last and fails when one fails.
    /// </summary>
    public async Task<TaskSnapshot> SplitAsync(Guid taskId, SplitAgentTask split, CancellationToken cancellationToken)
    {
        if (split.PartData.Count is < 1 or > MaxParts)
        {
            throw new InvalidRequestException("parts", $"'parts' must be between 1 and {MaxParts}.");
        }

        var parent = await GetAsync(taskId, cancellationToken);
        CheckSplittable(parent.Task, AgentTaskData.Of(parent.Task));
        var data = AgentTaskData.Of(parent.Task);
        var execution = split.RunInParallel ? "parallel" : "sequential";
        var parts = new List<TaskSnapshot>();
        TaskSnapshot snapshot;
        try
        {
            for (var i = 0; i < split.PartData.Count; i++)
            {
                var previous = !split.RunInParallel && i > 0 ? parts[i - 1].Task.Id.ToString() : null;
                var part = new AgentTaskData
                {
                    Kind = AgentTaskKind.Agent,
                    AwaitsPredecessors = previous is not null,
                    Fields = data.Fields,
                    ParentId = taskId.ToString(),
                    Part = i + 1,
                    PartData = split.PartData[i],
                    PartExecution = execution,
                    PredecessorIds = previous is null ? null : [previous],
                }.WithFields(profile.PartFields);
                parts.Add(await InsertAsync(Guid.Empty, parent.Task.Type, parent.Task.Name, part, plan: null, start: true, cancellationToken, schedule: false));
            }

            var ids = parts.Select(p => p.Task.Id).ToList();
            snapshot = await ApplyAsync(taskId, (s, d, now) => Split(s, d, ids, now), cancellationToken);
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
        LogSplit(taskId, parts.Count, execution);
        return snapshot;
    }

    private TaskUpdate Split(TaskSnapshot s, AgentTaskData data, IReadOnlyList<Guid> parts, DateTimeOffset now)
    {
        CheckSplittable(s.Task, data);
        var (_, step) = Claimed(s, now);
        if (step is null)
        {
            throw Refused(ConflictKind.EditNotAllowed, AgentTaskCommand.Split, s.Task, data);
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
        var waiting = AwaitStep(AgentTaskData.StepParts, parts).ToPendingStep(s.Task.Id, s.Task.StepCount, now);
        var split = data with
        {
            Kind = AgentTaskKind.Parent,
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

    /// <summary>Only an agent-driven task that is ready or executing can be split (else the refusal says its kind and phase).</summary>
    private static void CheckSplittable(TaskRecord task, AgentTaskData data)
    {
        if (data.Kind != AgentTaskKind.Agent || data.PhaseOf(task) is not (AgentTaskPhase.Ready or AgentTaskPhase.Executing))
        {
            throw Refused(ConflictKind.EditNotAllowed, AgentTaskCommand.Split, task, data);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId} split into {Parts} {Execution} parts")]
    private partial void LogSplit(Guid taskId, int parts, string execution);
}
