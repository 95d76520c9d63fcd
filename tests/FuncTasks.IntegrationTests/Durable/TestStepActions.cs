using System.Collections.Concurrent;
using FuncTasks.Core;
using FuncTasks.Core.Model;

namespace FuncTasks.IntegrationTests.Durable;

/// <summary>
/// <c>count</c>: counts its runs per step name and records the parameters of each; fails while its STRING parameter
/// <c>fail</c> is <c>yes</c>, or while <see cref="FailNext"/> still holds failures for that step.
/// </summary>
public sealed class CountingStepAction : IStepAction
{
    public const string ActionName = "count";

    private readonly ConcurrentDictionary<string, int> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Step, string? Fail)> _log = new();

    public string Name => ActionName;

    public int Runs(string step) => _runs.GetValueOrDefault(step);

    /// <summary>Each run in order: the step and its <c>fail</c> parameter.</summary>
    public IReadOnlyList<(string Step, string? Fail)> Log => [.. _log];

    /// <summary>Makes the next <paramref name="times"/> runs of <paramref name="step"/> fail, whatever its parameters.</summary>
    public void FailNext(string step, int times) => _failures[step] = times;

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters) => [];

    public Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var fail = context.Params.TryGetValue("fail", out var value) ? value.StrValue : null;
        _runs.AddOrUpdate(context.StepName, 1, (_, n) => n + 1);
        _log.Enqueue((context.StepName, fail));
        if (fail == "yes")
        {
            throw new InvalidOperationException($"Step {context.StepName} was told to fail.");
        }

        var left = _failures.GetValueOrDefault(context.StepName);
        if (left > 0)
        {
            _failures[context.StepName] = left - 1;
            throw new InvalidOperationException($"Step {context.StepName} fails {left} more time(s).");
        }

        return Task.FromResult(StepResult.Completed($"{context.StepName} ran"));
    }
}

/// <summary>
/// <c>block</c>: runs until its cancellation token is signalled, and tells the test when it started and when it saw the
/// cancel; then it winds down (ends cancelled) once the test lets it (<see cref="Release"/>), as a step that takes a
/// moment to stop does.
/// </summary>
public sealed class BlockingStepAction : IStepAction
{
    public const string ActionName = "block";

    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => ActionName;

    public Task Entered => _entered.Task;

    public Task Cancelled => _cancelled.Task;

    public void Release() => _released.TrySetResult();

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters) => [];

    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _cancelled.TrySetResult();
            await _released.Task.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            throw;
        }

        throw new InvalidOperationException("unreachable");
    }
}
