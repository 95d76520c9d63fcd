using FuncTasks.Core.Model;

namespace FuncTasks.Core;

public sealed record StepResult
{
    private StepResult(bool waiting, string? output) => (IsWaiting, Output) = (waiting, output);

    /// <summary>The step waits for someone outside (an agent, an operator) to complete it.</summary>
    public bool IsWaiting { get; }

    public string? Output { get; }

    public static StepResult Completed(string? output = null) => new(false, output);

    public static StepResult Waiting() => new(true, null);
}
