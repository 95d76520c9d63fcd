using FuncTasks.Core;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>
/// Core's engine and commands as the Functions app wires them (the timer delay action included), over an
/// in-memory store, a fake clock and a mocked <see cref="ITaskRunner"/>.
/// </summary>
public sealed class Engine : IDisposable
{
    private readonly ServiceProvider _services;

    public Engine(params IStepAction[] actions)
        : this(actions, null)
    {
    }

    /// <param name="orchestration">The Durable runner's settings (default: their defaults).</param>
    public Engine(IStepAction[] actions, OrchestrationOptions? orchestration)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddFuncTasksCore();
        services.AddSingleton(Tasks.Store);
        services.AddSingleton(Runner.Object);
        foreach (var action in actions)
        {
            services.AddSingleton(action);
        }

        // As src/FuncTasks.Functions/Program.cs does.
        services.AddSingleton<IStepAction, TimerDelayStepAction>();
        services.AddSingleton<TaskRunActivities>();
        if (orchestration is not null)
        {
            services.AddSingleton(Microsoft.Extensions.Options.Options.Create(orchestration));
        }

        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));

    public InMemoryTaskStore Tasks { get; } = new();

    public Mock<ITaskRunner> Runner { get; } = new();

    public TaskRunActivities Activities => Get<TaskRunActivities>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public Task<TaskSnapshot> CreateAsync(params NewStep[] steps) =>
        Get<CreateTaskHandler>().HandleAsync(new CreateTask("test task", "TEST", null, steps), CancellationToken.None);

    public static NewStep Step(string name, string action, params (string Name, ParamValue Value)[] parameters) =>
        new(name, action, null, parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal));

    public void Dispose() => _services.Dispose();
}

/// <summary>A step action that fails while its <c>value</c> parameter is negative and records the values it ran with.</summary>
public sealed class CheckStepAction : IStepAction
{
    public const string ActionName = "check";

    private readonly List<long> _seen = [];

    public string Name => ActionName;

    public IReadOnlyList<long> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters) =>
        parameters.GetLong("value") is null ? ["The check action needs a LONG 'value'."] : [];

    public Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var value = context.Params.GetLong("value")!.Value;
        lock (_seen)
        {
            _seen.Add(value);
        }

        return value < 0
            ? throw new InvalidOperationException($"value must not be negative, got {value}")
            : Task.FromResult(StepResult.Completed($"value {value}"));
    }
}
