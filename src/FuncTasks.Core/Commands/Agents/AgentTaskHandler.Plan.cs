using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Commands.Agents;

/// <summary>New parameters for one plan step, found by its position in the plan or by its (unique) name.</summary>
public sealed record PlanStepEdit(int? Index, string? Name, IReadOnlyDictionary<string, ParamValue> Params);

public sealed partial class AgentTaskHandler
{
    /// <summary>Replaces the plan of a task that has not started (an agent-driven task becomes a planned one).</summary>
    public async Task<TaskSnapshot> ReplacePlanAsync(Guid taskId, IReadOnlyList<NewStep> plan, CancellationToken cancellationToken)
    {
        var snapshot = await ApplyAsync(taskId, (s, data, now) =>
        {
            if (s.Task.Status != TaskState.Created)
            {
                throw Refused(ConflictKind.EditNotAllowed, AgentTaskCommand.ReplacePlan, s.Task, data);
            }

            ValidatePlan(plan, data.AwaitsPredecessors, "steps");
            var first = data.AwaitsPredecessors ? 1 : 0;
            var wanted = plan.Select((p, i) => p.ToPendingStep(s.Task.Id, first + i, now)).ToList();
            var existing = s.Steps.Select(x => x.Index).ToHashSet();
            var planned = data with { Kind = AgentTaskKind.Planned };
            return new TaskUpdate(
                With(s.Task, planned, now) with { StepCount = first + wanted.Count, CompletedSteps = 0, Progress = 0 },
                wanted.Where(w => existing.Contains(w.Index)).ToList())
            {
                AddedSteps = wanted.Where(w => !existing.Contains(w.Index)).ToList(),
                RemovedSteps = existing.Where(i => i >= first + wanted.Count).ToList(),
            };
        }, cancellationToken);
        LogPlanReplaced(taskId, plan.Count);
        return snapshot;
    }

    /// <summary>
    /// New parameters for plan steps that have not completed and are not running (pending, failed, canceled):
    /// those given replace the same-named ones. A failed step then runs with them when the task is retried.
    /// </summary>
    public async Task<TaskSnapshot> PatchPlanAsync(Guid taskId, IReadOnlyList<PlanStepEdit> edits, CancellationToken cancellationToken)
    {
        if (edits.Count == 0)
        {
            throw new InvalidRequestException("steps", "Give 'steps': at least one {index or name, params}.");
        }

        var snapshot = await ApplyAsync(taskId, (s, data, now) =>
        {
            if (data.Kind != AgentTaskKind.Planned || s.Task.Status is TaskState.Succeeded or TaskState.Cancelled)
            {
                throw Refused(ConflictKind.EditNotAllowed, AgentTaskCommand.EditPlan, s.Task, data);
            }

            var plan = data.PlanSteps(s.Steps).ToList();
            var changed = new Dictionary<int, TaskStep>();
            for (var i = 0; i < edits.Count; i++)
            {
                var field = $"steps[{i}]";
                var step = Find(plan, edits[i], field);
                step = changed.GetValueOrDefault(step.Index, step);
                if (step.Status is not (StepState.Pending or StepState.Failed or StepState.Cancelled))
                {
                    throw Refused(ConflictKind.EditNotAllowed, AgentTaskCommand.EditPlanStep, s.Task, data, step);
                }

                var merged = StepParams.Merge(step.Params, edits[i].Params);
                validation.ValidateStep(step.Action, merged, field);
                changed[step.Index] = step with { Params = merged };
            }

            return new TaskUpdate(s.Task with { UpdatedAt = now }, changed.Values.ToList());
        }, cancellationToken);
        LogPlanEdited(taskId, edits.Count);
        return snapshot;
    }

    private static TaskStep Find(List<TaskStep> plan, PlanStepEdit edit, string field)
    {
        if (edit.Index is { } index)
        {
            return index >= 0 && index < plan.Count
                ? plan[index]
                : throw new InvalidRequestException(field + ".index", $"{field}: the plan has no step {index} (it has {plan.Count}, counted from 0).");
        }

        var named = plan.Where(p => string.Equals(p.Name, edit.Name, StringComparison.Ordinal)).ToList();
        return named.Count switch
        {
            1 => named[0],
            0 => throw new InvalidRequestException(field + ".name", $"{field}: the plan has no step named '{edit.Name}'."),
            _ => throw new InvalidRequestException(field + ".name", $"{field}: {named.Count} plan steps are named '{edit.Name}'; give its 'index' instead."),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId}: plan replaced by {Steps} step(s)")]
    private partial void LogPlanReplaced(Guid taskId, int steps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent task {TaskId}: parameters of {Steps} plan step(s) changed")]
    private partial void LogPlanEdited(Guid taskId, int steps);
}
