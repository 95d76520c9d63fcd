using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>The input of the activity that marks a broken run failed.</summary>
public sealed record BrokenRun(Guid TaskId, int Generation, FailureDetails Error);
