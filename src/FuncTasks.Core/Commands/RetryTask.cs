using FuncTasks.Core.Model;

namespace FuncTasks.Core.Commands;

/// <summary>Only a failed task can be retried: it resumes at its failed step; completed steps never run again.</summary>
public sealed class RetryTaskHandler(TaskMutation mutation)
{
    public async Task<TaskSnapshot> HandleAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var snapshot = await mutation.ApplyAsync(taskId, Retry, cancellationToken);
        await mutation.ScheduleAsync(snapshot, cancellationToken);
        return snapshot;
    }

    public static TaskUpdate Retry(TaskSnapshot snapshot, DateTimeOffset now)
    {
        var task = snapshot.Task;
        if (task.Status != TaskState.Failed)
        {
            throw new TaskConflictException(ConflictKind.RetryNotAllowed, $"The task is {task.Status}; only a failed task can be retried.")
            {
                TaskState = task.Status,
            };
        }

        var steps = snapshot.Steps
            .Where(s => s.Status is StepState.Failed or StepState.Cancelled)
            .Select(s => s with { Status = StepState.Pending, Error = null, ActiveAttempt = null, CompletedAt = null, FailedAttempts = 0, NextAttemptAt = null })
            .ToList();
        return new TaskUpdate(Resumed(task, now), steps) { Operation = "retry" };
    }

    /// <summary>The task back in progress under a new run generation.</summary>
    public static TaskRecord Resumed(TaskRecord task, DateTimeOffset now) => task with
    {
        Status = TaskState.InProgress,
        Generation = task.Generation + 1,
        Error = null,
        FailedStepIndex = null,
        CompletedAt = null,
        UpdatedAt = now,
    };
}
