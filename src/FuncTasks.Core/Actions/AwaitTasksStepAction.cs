using System.Globalization;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Core.Actions;

/// <summary>
/// <c>await-tasks</c>: waits until every task in <c>taskIds</c> (STRING, comma-separated ids) has succeeded,
/// polling the store (first after 50 ms, then backing off to <c>pollSeconds</c>, default 1). Fails at once,
/// naming the task, when one of them failed, was cancelled or no longer exists. Cancellable; the wait is
/// bounded by the engine's step timeout. Used for the predecessors and split parts of agent-driven tasks.
/// </summary>
public sealed partial class AwaitTasksStepAction(ITaskStore store, TimeProvider time, ILogger<AwaitTasksStepAction> logger) : IStepAction
{
    public const string ActionName = "await-tasks";
    public const string TaskIdsParam = "taskIds";
    public const string PollSecondsParam = "pollSeconds";
    public const int MaxTasks = 100;
    private const double DefaultPollSeconds = 1;
    private const double MaxPollSeconds = 300;
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);

    public string Name => ActionName;

    public static ParamValue TaskIdsValue(IEnumerable<Guid> ids) => ParamValue.Of(string.Join(',', ids));

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters)
    {
        var ids = parameters.GetValueOrDefault(TaskIdsParam);
        if (ids is null || ids.Type != ParamType.STRING || string.IsNullOrWhiteSpace(ids.StrValue))
        {
            yield return $"The {ActionName} action needs a '{TaskIdsParam}' parameter of type STRING: task ids separated by commas.";
        }
        else if (ParseIds(ids.StrValue) is not { } parsed)
        {
            yield return $"Parameter '{TaskIdsParam}' must list task ids (GUIDs) separated by commas, not '{FailureDetails.Cap(ids.StrValue, 200)}'.";
        }
        else if (parsed.Count > MaxTasks)
        {
            yield return $"Parameter '{TaskIdsParam}' may name at most {MaxTasks} tasks; it names {parsed.Count}.";
        }

        if (parameters.TryGetValue(PollSecondsParam, out var poll)
            && (poll.Type == ParamType.STRING || parameters.GetNumber(PollSecondsParam) is not (>= 0.01 and <= MaxPollSeconds)))
        {
            yield return $"Parameter '{PollSecondsParam}' must be a LONG or DOUBLE between 0.01 and {MaxPollSeconds}.";
        }
    }

    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var ids = ParseIds(context.Params.GetString(TaskIdsParam)) ?? throw new ArgumentException($"The {ActionName} action needs '{TaskIdsParam}'.");
        if (ids.Contains(context.TaskId))
        {
            throw new AwaitedTaskException($"Task {context.TaskId} can not wait for itself.");
        }

        var maxPoll = TimeSpan.FromSeconds(context.Params.GetNumber(PollSecondsParam) ?? DefaultPollSeconds);
        var poll = FirstPoll < maxPoll ? FirstPoll : maxPoll;
        var succeeded = new HashSet<Guid>();
        while (true)
        {
            foreach (var id in ids.Where(id => !succeeded.Contains(id)))
            {
                var task = await store.GetTaskAsync(id, cancellationToken)
                    ?? throw new AwaitedTaskException($"Awaited task {id} does not exist (it may have been deleted).");
                switch (task.Status)
                {
                    case TaskState.Succeeded:
                        succeeded.Add(id);
                        break;
                    case TaskState.Failed:
                        throw new AwaitedTaskException($"Awaited task {id} ('{task.Name}') failed" +
                            (task.Error is { } error ? $": {error.Message}" : "."));
                    case TaskState.Cancelled:
                        throw new AwaitedTaskException($"Awaited task {id} ('{task.Name}') was cancelled.");
                }
            }

            if (succeeded.Count == ids.Count)
            {
                LogAllSucceeded(context.TaskId, ids.Count);
                return StepResult.Completed(string.Create(CultureInfo.InvariantCulture, $"{ids.Count} awaited task(s) succeeded."));
            }

            await Task.Delay(poll, time, cancellationToken);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, maxPoll.Ticks));
        }
    }

    private static List<Guid>? ParseIds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var ids = new List<Guid>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TaskIds.TryParse(part, out var id) || !TaskIds.IsTaskId(id))
            {
                return null;
            }

            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids.Count == 0 ? null : ids;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: all {Count} awaited task(s) succeeded")]
    private partial void LogAllSucceeded(Guid taskId, int count);
}
