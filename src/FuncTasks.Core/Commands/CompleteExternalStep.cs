using FuncTasks.Core.Actions;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Commands;

/// <param name="Output">What the agent reports (kept with the step, capped).</param>
/// <param name="Failure">Set to fail the step instead of completing it.</param>
public sealed record CompleteExternalStep(Guid StepId, IReadOnlyDictionary<string, ParamValue>? Params, string? Output = null, FailureDetails? Failure = null);

/// <summary>Completes (or fails) a Started <c>external</c> step and lets the task continue.</summary>
public sealed class CompleteExternalStepHandler(TaskMutation mutation)
{
    public async Task<TaskSnapshot> HandleAsync(CompleteExternalStep command, CancellationToken cancellationToken)
    {
        var (taskId, index) = RestartFailedStepHandler.Locate(command.StepId);
        var snapshot = await mutation.ApplyAsync(taskId, (s, now) => Complete(s, index, command, now), cancellationToken,
            () => new TaskNotFoundException(NotFoundKind.Step, command.StepId.ToString()));
        if (snapshot.Task.Status == TaskState.InProgress)
        {
            await mutation.ScheduleAsync(snapshot, cancellationToken);
        }
        else if (snapshot.Task.Status == TaskState.Succeeded)
        {
            await mutation.ReleaseRunAsync(snapshot);
        }

        return snapshot;
    }

    public static TaskUpdate Complete(TaskSnapshot snapshot, int index, CompleteExternalStep command, DateTimeOffset now)
    {
        var step = snapshot.Steps.FirstOrDefault(s => s.Index == index)
            ?? throw new TaskNotFoundException(NotFoundKind.Step, command.StepId.ToString());
        if (step.Status != StepState.Started || !string.Equals(step.Action, ExternalStepAction.ActionName, StringComparison.OrdinalIgnoreCase)
            || snapshot.Task.Status != TaskState.InProgress)
        {
            throw new TaskConflictException(ConflictKind.CompleteNotAllowed,
                $"Step '{step.Name}' ({step.Action}) is {step.Status.ToString().ToUpperInvariant()}; only a STARTED external step can be completed.")
            {
                TaskState = snapshot.Task.Status,
                StepState = step.Status,
                StepName = step.Name,
                StepAction = step.Action,
            };
        }

        var parameters = command.Params is null ? step.Params : StepParams.Merge(step.Params, command.Params);
        var attempt = new StepAttempt
        {
            TaskId = step.TaskId,
            StepIndex = index,
            Number = step.ActiveAttempt ?? step.AttemptCount,
            StartedAt = step.StartedAt ?? now,
            FinishedAt = now,
            Params = parameters,
            Outcome = command.Failure is null ? StepState.Completed : StepState.Failed,
            Error = command.Failure,
        };
        var task = snapshot.Task;
        if (command.Failure is { } failure)
        {
            var failed = step with { Status = StepState.Failed, Params = parameters, CompletedAt = now, ActiveAttempt = null, Error = failure, Output = command.Output };
            var taskFailure = new FailureDetails(typeof(StepFailedException).FullName!, $"Step '{step.Name}' ({step.Action}) failed: {failure.Message}", null, failure);
            return new TaskUpdate(task with { Status = TaskState.Failed, CompletedAt = now, UpdatedAt = now, Error = taskFailure, FailedStepIndex = index }, [failed], [attempt])
            {
                Operation = "fail-step",
            };
        }

        var completed = step with { Status = StepState.Completed, Params = parameters, CompletedAt = now, ActiveAttempt = null, Output = command.Output };
        var isLast = snapshot.Steps.All(s => s.Index == index || s.Status.IsDone());
        var progressed = StepExecutor.Progressed(task, now);
        var next = isLast ? StepExecutor.Succeeded(progressed, now) : progressed with { Generation = task.Generation + 1 };
        return new TaskUpdate(next, [completed], [attempt]) { Operation = "complete-step" };
    }
}
