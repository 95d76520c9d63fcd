using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>
/// What claiming a <c>delay</c> step reports: how long is left of its wait (null: the next step is not a delay step), or
/// <paramref name="Broken"/> when the claim never ran to an outcome (its activity failed on every attempt).
/// </summary>
public sealed record DelayReport(TimeSpan? Remaining, FailureDetails? Broken = null);
