using FuncTasks.Core.Model;

namespace FuncTasks.Core.Commands;

public sealed record RestartFailedStep(Guid StepId, IReadOnlyDictionary<string, ParamValue> Params);

/// <summary>
/// The operation that sets FuncTasks apart: the failed step gets corrected parameters (those given replace
/// the same-named ones), is set Started, and the task carries on from exactly there.
/// </summary>
public sealed class RestartFailedStepHandler(TaskMutation mutation, TaskValidation validation)
{
    public async Task<TaskStep> HandleAsync(RestartFailedStep command, CancellationToken cancellationToken)
    {
        var (taskId, index) = Locate(command.StepId);
        var snapshot = await mutation.ApplyAsync(taskId, (s, now) => Restart(s, index, command.Params, now, validation), cancellationToken,
            () => new TaskNotFoundException(NotFoundKind.Step, command.StepId.ToString()));
        await mutation.ScheduleAsync(snapshot, cancellationToken);
        return snapshot.Steps[index];
    }

    public static (Guid TaskId, int Index) Locate(Guid stepId) =>
        TaskIds.TryParseStepId(stepId, out var taskId, out var index)
            ? (taskId, index)
            : throw new TaskNotFoundException(NotFoundKind.Step, stepId.ToString());

    public static TaskUpdate Restart(
        TaskSnapshot snapshot, int index, IReadOnlyDictionary<string, ParamValue> changes, DateTimeOffset now, TaskValidation validation)
    {
        var step = snapshot.Steps.FirstOrDefault(s => s.Index == index)
            ?? throw new TaskNotFoundException(NotFoundKind.Step, TaskIds.StepId(snapshot.Task.Id, index).ToString());
        if (step.Status != StepState.Failed)
        {
            throw new TaskConflictException(ConflictKind.RestartNotAllowed,
                $"Step '{step.Name}' is {step.Status.ToString().ToUpperInvariant()}; only a FAILED step can be restarted.")
            {
                TaskState = snapshot.Task.Status,
                StepState = step.Status,
                StepName = step.Name,
                StepAction = step.Action,
            };
        }

        var merged = StepParams.Merge(step.Params, changes);
        validation.ValidateStep(step.Action, merged, "params");
        var restarted = step with { Status = StepState.Started, Params = merged, Error = null, ActiveAttempt = null, CompletedAt = null, FailedAttempts = 0, NextAttemptAt = null };
        return new TaskUpdate(RetryTaskHandler.Resumed(snapshot.Task, now), [restarted]) { Operation = "restart-failed-step" };
    }
}
