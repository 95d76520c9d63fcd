using FuncTasks.Core.Actions;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Engine;

/// <summary>
/// The <c>delay</c> action under an orchestrator: the orchestrator has already waited the step's
/// <c>seconds</c> on a durable timer before running it, so the run itself completes at once.
/// Registered after the built-in actions it replaces <see cref="DelayStepAction"/> (the last registration of a name wins).
/// </summary>
public sealed class TimerDelayStepAction(TimeProvider time) : IStepAction
{
    private readonly DelayStepAction _rules = new(time);

    public string Name => DelayStepAction.ActionName;

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters) => _rules.Validate(parameters);

    public Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(StepResult.Completed());
    }
}
