using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Commands.Jobs;

/// <summary>New parameters for one plan step, found by its position in the plan or by its (unique) name.</summary>
public sealed record PlanStepEdit(int? Index, string? Name, IReadOnlyDictionary<string, ParamValue> Params);

public sealed partial class JobsHandler
{
    /// <summary>Replaces the plan of a job that has not started (an agent-driven job becomes a planned one).</summary>
    public async Task<TaskSnapshot> ReplacePlanAsync(Guid jobId, IReadOnlyList<NewStep> plan, CancellationToken cancellationToken)
    {
        var snapshot = await ApplyAsync(jobId, (s, data, now) =>
        {
            if (s.Task.Status != TaskState.Created)
            {
                var phase = Word(data.PhaseOf(s.Task));
                throw new TaskConflictException(ConflictKind.EditNotAllowed,
                    $"Job's plan can not be replaced: it is {phase}. Only the plan of a created job can be replaced.", phase);
            }

            ValidatePlan(plan, data.AwaitsPredecessors, "steps");
            var first = data.AwaitsPredecessors ? 1 : 0;
            var wanted = plan.Select((p, i) => p.ToPendingStep(s.Task.Id, first + i, now)).ToList();
            var existing = s.Steps.Select(x => x.Index).ToHashSet();
            var planned = data with { Kind = JobKind.Planned };
            return new TaskUpdate(
                With(s.Task, planned, now) with { StepCount = first + wanted.Count, CompletedSteps = 0, Progress = 0 },
                wanted.Where(w => existing.Contains(w.Index)).ToList())
            {
                AddedSteps = wanted.Where(w => !existing.Contains(w.Index)).ToList(),
                RemovedSteps = existing.Where(i => i >= first + wanted.Count).ToList(),
            };
        }, cancellationToken);
        LogPlanReplaced(jobId, plan.Count);
        return snapshot;
    }

    /// <summary>
    /// New parameters for plan steps that have not completed and are not running (pending, failed, canceled):
    /// those given replace the same-named ones. A failed step then runs with them when the job is retried.
    /// </summary>
    public async Task<TaskSnapshot> PatchPlanAsync(Guid jobId, IReadOnlyList<PlanStepEdit> edits, CancellationToken cancellationToken)
    {
        if (edits.Count == 0)
        {
            throw new InvalidRequestException("steps", "Give 'steps': at least one {index or name, params}.");
        }

        var snapshot = await ApplyAsync(jobId, (s, data, now) =>
        {
            var phase = Word(data.PhaseOf(s.Task));
            if (data.Kind != JobKind.Planned)
            {
                throw new TaskConflictException(ConflictKind.EditNotAllowed, "Job has no plan to edit: it is driven by an agent.", phase);
            }

            if (s.Task.Status is TaskState.Succeeded or TaskState.Cancelled)
            {
                throw new TaskConflictException(ConflictKind.EditNotAllowed,
                    $"Job's plan can not be edited: it is {phase}. Only the plan of a job that has not finished (or has failed) can be edited.", phase);
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
                    throw new TaskConflictException(ConflictKind.EditNotAllowed,
                        $"Plan step '{step.Name}' is {step.Status.ToString().ToLowerInvariant()}; only a step that has not completed and is not running can be edited.",
                        phase);
                }

                var merged = StepParams.Merge(step.Params, edits[i].Params);
                validation.ValidateStep(step.Action, merged, field);
                changed[step.Index] = step with { Params = merged };
            }

            return new TaskUpdate(s.Task with { UpdatedAt = now }, changed.Values.ToList());
        }, cancellationToken);
        LogPlanEdited(jobId, edits.Count);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: plan replaced by {Steps} step(s)")]
    private partial void LogPlanReplaced(Guid jobId, int steps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: parameters of {Steps} plan step(s) changed")]
    private partial void LogPlanEdited(Guid jobId, int steps);
}
