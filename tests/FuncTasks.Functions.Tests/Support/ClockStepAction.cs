using FuncTasks.Core;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Time.Testing;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>A step action that takes <paramref name="duration"/> of the engine's fake clock and records the steps it ran.</summary>
public sealed class ClockStepAction(TimeSpan duration) : IStepAction
{
    public const string ActionName = "clock";

    private readonly List<string> _ran = [];

    /// <summary>The engine's clock, advanced by each run.</summary>
    public FakeTimeProvider? Clock { get; set; }

    public string Name => ActionName;

    public IReadOnlyList<string> Ran
    {
        get
        {
            lock (_ran)
            {
                return [.. _ran];
            }
        }
    }

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters) => [];

    public Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        lock (_ran)
        {
            _ran.Add(context.StepName);
        }

        Clock?.Advance(duration);
        return Task.FromResult(StepResult.Completed());
    }
}
