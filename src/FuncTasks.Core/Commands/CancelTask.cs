using FuncTasks.Core.Model;

namespace FuncTasks.Core.Commands;

/// <summary>
/// Only an in-progress task can be cancelled: it ends Cancelled at once, no later step starts,
/// and the running step's action is signalled through its cancellation token.
/// </summary>
public sealed class CancelTaskHandler(TaskMutation mutation)
{
    public async Task<TaskSnapshot> HandleAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var snapshot = await mutation.ApplyAsync(taskId, Cancel, cancellationToken);
        await mutation.CancelRunAsync(taskId, cancellationToken);
        return snapshot;
    }

    /// <param name="allowCreated">Also cancels a task that was created but never started.</param>
    public static TaskUpdate Cancel(TaskSnapshot snapshot, DateTimeOffset now, bool allowCreated)
    {
        var task = snapshot.Task;
        if (task.Status != TaskState.InProgress && !(allowCreated && task.Status == TaskState.Created))
        {
            throw new TaskConflictException(ConflictKind.CancelNotAllowed, $"The task is {task.Status}; only a task in progress can be cancelled.")
            {
                TaskState = task.Status,
            };
        }

        var steps = snapshot.Steps
            .Where(s => s.Status is StepState.Pending or StepState.Started)
            .Select(s => s with { Status = StepState.Cancelled, CompletedAt = now })
            .ToList();
        return new TaskUpdate(task with { Status = TaskState.Cancelled, CompletedAt = now, UpdatedAt = now }, steps) { Operation = "cancel" };
    }

    public static TaskUpdate Cancel(TaskSnapshot snapshot, DateTimeOffset now) => Cancel(snapshot, now, allowCreated: false);
}
