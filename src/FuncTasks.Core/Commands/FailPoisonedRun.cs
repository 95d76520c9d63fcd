using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Commands;

/// <summary>
/// A run that keeps being delivered without recording an outcome (a poisoned run) is stopped instead of looping: the task
/// fails at the step it was on, with an error telling the operator to fix the cause and retry. Only the run that was
/// poisoned is failed (same generation, still in progress); a task retried meanwhile is left alone.
/// </summary>
public sealed partial class FailPoisonedRunHandler(ITaskStore store, TimeProvider time, ILogger<FailPoisonedRunHandler> logger)
{
    public const string ErrorType = "FuncTasks.PoisonMessage";

    /// <returns>True when this call failed the task.</returns>
    public async Task<bool> HandleAsync(Guid taskId, int generation, long deliveries, CancellationToken cancellationToken)
    {
        for (var conflicts = 0; conflicts < 8; conflicts++)
        {
            var snapshot = await ReadAsync(taskId, cancellationToken);
            if (snapshot is null || snapshot.Task.Status != TaskState.InProgress || snapshot.Task.Generation != generation)
            {
                return false;
            }

            try
            {
                await store.SaveAsync(snapshot, Fail(snapshot, deliveries, time.GetUtcNow()), cancellationToken);
                LogPoisoned(taskId, deliveries);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
            }
        }

        return false;
    }

    /// <summary>The transition: the task and the step it was on fail with a <see cref="ErrorType"/> error.</summary>
    public static TaskUpdate Fail(TaskSnapshot snapshot, long deliveries, DateTimeOffset now)
    {
        var step = snapshot.NextRunnableStep;
        var error = new FailureDetails(
            ErrorType,
            $"The run of this task was delivered {deliveries} times without recording an outcome" +
            (step is null ? string.Empty : $" (at step '{step.Name}')") +
            "; it was stopped instead of looping. Fix the cause (see the log) and retry the task.");
        var steps = step is null
            ? []
            : new[] { step with { Status = StepState.Failed, ActiveAttempt = null, CompletedAt = now, Error = error } };
        return new TaskUpdate(
            snapshot.Task with { Status = TaskState.Failed, CompletedAt = now, UpdatedAt = now, Error = error, FailedStepIndex = step?.Index },
            steps)
        {
            Actor = TaskActor.Engine,
            Operation = "poison",
        };
    }

    /// <summary>The poison may be in the step rows themselves: fall back to the task row alone.</summary>
    private async Task<TaskSnapshot?> ReadAsync(Guid taskId, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetAsync(taskId, includeAttempts: false, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnreadableSteps(ex, taskId);
            return await store.GetTaskAsync(taskId, cancellationToken) is { } task ? new TaskSnapshot(task, [], []) : null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId}: its steps cannot be read; failing the task from its task row")]
    private partial void LogUnreadableSteps(Exception exception, Guid taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId}: run message poisoned after {Deliveries} deliveries; task marked failed")]
    private partial void LogPoisoned(Guid taskId, long deliveries);
}
