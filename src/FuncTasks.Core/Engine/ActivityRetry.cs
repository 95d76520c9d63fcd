using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>Retries of an activity that could not run to an outcome (storage unreachable, host stopping), with exponential back-off.</summary>
public sealed record ActivityRetry(int MaxAttempts, TimeSpan FirstInterval, TimeSpan MaxInterval)
{
    public static ActivityRetry Default { get; } = new(5, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));
}
