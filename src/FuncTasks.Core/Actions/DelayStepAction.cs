using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Actions;

/// <summary><c>delay</c>: waits <c>seconds</c> (LONG or DOUBLE) by the wall clock, never less; cancellable.</summary>
public sealed class DelayStepAction(TimeProvider time) : IStepAction
{
    public const string ActionName = "delay";
    private static readonly double MaxSeconds = TimeSpan.FromDays(7).TotalSeconds;

    public string Name => ActionName;

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters)
    {
        if (!parameters.TryGetValue("seconds", out var seconds))
        {
            yield return "The delay action needs a 'seconds' parameter (LONG or DOUBLE).";
        }
        else if (seconds.Type == ParamType.STRING)
        {
            yield return "Parameter 'seconds' must be LONG or DOUBLE.";
        }
        else if (parameters.GetNumber("seconds") is < 0 or > double.MaxValue || parameters.GetNumber("seconds") > MaxSeconds)
        {
            yield return $"Parameter 'seconds' must be between 0 and {MaxSeconds}.";
        }
    }

    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Params.GetNumber("seconds") ?? 0;
        if (seconds > 0)
        {
            await time.DelayUntilAsync(time.GetUtcNow() + TimeSpan.FromSeconds(seconds), cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return StepResult.Completed();
    }
}
