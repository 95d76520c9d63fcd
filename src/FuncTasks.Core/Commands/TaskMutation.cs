using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Commands;

/// <summary>
/// Read → check the rule → write with the ETags; on a lost race re-read and re-check (bounded).
/// When the rule no longer holds the decision throws the dialect-neutral conflict.
/// </summary>
public sealed partial class TaskMutation(ITaskStore store, ITaskRunner runner, TimeProvider time, IOptions<EngineOptions> options, ILogger<TaskMutation> logger)
{
    public TimeProvider Time => time;

    /// <param name="notFound">What to report when the task does not exist (a step command reports the step); the task by default.</param>
    public async Task<TaskSnapshot> ApplyAsync(
        Guid taskId, Func<TaskSnapshot, DateTimeOffset, TaskUpdate> decide, CancellationToken cancellationToken, Func<TaskNotFoundException>? notFound = null)
    {
        for (var conflicts = 0; ; conflicts++)
        {
            var snapshot = await store.GetAsync(taskId, includeAttempts: false, cancellationToken)
                ?? throw notFound?.Invoke() ?? new TaskNotFoundException(NotFoundKind.Task, taskId.ToString());
            var update = decide(snapshot, time.GetUtcNow());
            try
            {
                // Decided: the write is not cancelled half-way (a request's deadline or a client leaving could leave
                // it landed but unknown, e.g. a task moved to in progress with no run scheduled). The SDK's retry
                // options bound it.
                return await store.SaveAsync(snapshot, update, CancellationToken.None);
            }
            catch (ConcurrencyConflictException) when (conflicts < options.Value.MaxConflictRetries)
            {
                LogLostRace(taskId, conflicts + 1);
            }
        }
    }

    /// <summary>
    /// Hands the task to the runner. If that fails the task is marked failed (so it can be retried)
    /// instead of staying in progress with nothing to run it, and the error propagates.
    /// </summary>
    public async Task ScheduleAsync(TaskSnapshot snapshot, CancellationToken cancellationToken)
    {
        try
        {
            // Not cancellable: the task is already in progress in storage; a run must be scheduled, or the task failed.
            await runner.ScheduleAsync(snapshot.Task.Id, snapshot.Task.Generation, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogScheduleFailed(ex, snapshot.Task.Id);
            var now = time.GetUtcNow();
            try
            {
                await store.SaveAsync(snapshot, new TaskUpdate(snapshot.Task with
                {
                    Status = TaskState.Failed,
                    CompletedAt = now,
                    UpdatedAt = now,
                    Error = new FailureDetails("FuncTasks.ScheduleFailed", $"The task could not be scheduled: {ex.Message}. Retry it."),
                }) { Actor = TaskActor.Engine, Operation = "schedule" }, CancellationToken.None);
            }
            catch (Exception revert) when (revert is ConcurrencyConflictException)
            {
                LogScheduleRevertLost(snapshot.Task.Id);
            }

            throw;
        }
    }

    public Task CancelRunAsync(Guid taskId, CancellationToken cancellationToken) => runner.CancelAsync(taskId, cancellationToken);

    /// <summary>
    /// After a command finished the task outside a run: lets a run that still waits for it end. Best effort: the change is
    /// stored, and a run left waiting ends by itself at its resume timeout.
    /// </summary>
    public async Task ReleaseRunAsync(TaskSnapshot snapshot)
    {
        try
        {
            await runner.ReleaseAsync(snapshot.Task.Id, snapshot.Task.Generation, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogReleaseFailed(ex, snapshot.Task.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} finished; the run waiting for it could not be told and ends at its resume timeout")]
    private partial void LogReleaseFailed(Exception exception, Guid taskId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId}: lost an ETag race ({Conflicts}); re-reading")]
    private partial void LogLostRace(Guid taskId, int conflicts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} could not be scheduled; marking it failed")]
    private partial void LogScheduleFailed(Exception exception, Guid taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} changed while being marked failed after a scheduling error")]
    private partial void LogScheduleRevertLost(Guid taskId);
}
