using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>
/// The runner could not take the work (its engine unreachable or failing on its side): like a storage outage, the caller
/// is told to come back later. The task was left retryable (see <c>TaskMutation.ScheduleAsync</c>).
/// </summary>
public sealed class RunnerUnavailableException(string message, Exception inner) : Exception(message, inner);
