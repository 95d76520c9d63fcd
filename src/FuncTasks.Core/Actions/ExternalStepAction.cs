using FuncTasks.Core.Model;

namespace FuncTasks.Core.Actions;

/// <summary><c>external</c>: the step waits until an agent or operator completes (or fails) it through the API.</summary>
public sealed class ExternalStepAction : IStepAction
{
    public const string ActionName = "external";

    public string Name => ActionName;

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters) => [];

    public Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        Task.FromResult(StepResult.Waiting());
}
