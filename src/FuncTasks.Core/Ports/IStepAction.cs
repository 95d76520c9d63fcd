using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>What a step does. Implementations should be idempotent: delivery is at-least-once.</summary>
public interface IStepAction
{
    string Name { get; }

    /// <summary>Problems with the parameters, checked when a task is created or a step restarted.</summary>
    IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters);

    /// <summary>Runs one attempt. Throw to fail the step; the exception becomes the step's error.</summary>
    Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}
