using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>
/// Registers the Functions app's own orchestrator and activity functions (its <c>[Function]</c> methods with an
/// <c>[OrchestrationTrigger]</c> or <c>[ActivityTrigger]</c>, found by reflection) with a durabletask-dotnet worker, under their
/// function names, as the Durable Functions extension runs them: a function class is created from the app's container per
/// invocation, an activity gets its input converted to its trigger parameter's type and a <see cref="FunctionContext"/>, and
/// the orchestrator gets a context that reads its input with <c>GetInput&lt;T&gt;()</c> and refuses to be used off the
/// orchestrator thread (as the extension's FunctionsOrchestrationContext does).
/// </summary>
public static class DurableFunctions
{
    public static IReadOnlyList<string> Register(DurableTaskRegistry registry, IServiceProvider app, CancellationToken stopping)
    {
        var names = new List<string>();
        foreach (var function in FunctionMethods.All())
        {
            if (function.Trigger<OrchestrationTriggerAttribute>() is not null)
            {
                registry.AddOrchestrator(function.Name, new FunctionOrchestrator(function, app));
                names.Add(function.Name);
            }
            else if (function.Trigger<ActivityTriggerAttribute>() is { } trigger)
            {
                registry.AddActivity(function.Name, new FunctionActivity(function, trigger, app, stopping));
                names.Add(function.Name);
            }
        }

        return names;
    }

    internal static Type ResultType(MethodInfo method) =>
        method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>) ? method.ReturnType.GetGenericArguments()[0]
        : method.ReturnType == typeof(Task) || method.ReturnType == typeof(void) ? typeof(object)
        : method.ReturnType;

    internal static async Task<object?> InvokeAsync(FunctionMethod function, object? instance, object?[] arguments)
    {
        object? returned;
        try
        {
            returned = function.Method.Invoke(instance, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        return function.Method.ReturnType.IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }

    internal static object? Convert(object? value, Type type) =>
        value is null || type.IsInstanceOfType(value) ? value : JsonDataConverter.Default.Deserialize(JsonDataConverter.Default.Serialize(value), type);

    private sealed class FunctionOrchestrator(FunctionMethod function, IServiceProvider app) : ITaskOrchestrator
    {
        // The extension does not know the input's type up front: it is read (and converted) by GetInput<T>() or an input parameter.
        public Type InputType => typeof(object);

        public Type OutputType => ResultType(function.Method);

        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
        {
            var wrapped = new FunctionsOrchestrationContext(context, input, app.GetRequiredService<ILoggerFactory>());
            var arguments = function.Method.GetParameters().Select(p =>
                p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null ? wrapped
                : p.ParameterType == typeof(FunctionContext) ? new TestFunctionContext(function.Name, app, CancellationToken.None)
                : Convert(input, p.ParameterType)).ToArray();
            var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(app, function.Method.DeclaringType!);
            return InvokeAsync(function, instance, arguments);
        }
    }

    private sealed class FunctionActivity(FunctionMethod function, ParameterInfo trigger, IServiceProvider app, CancellationToken stopping) : ITaskActivity
    {
        public Type InputType => trigger.ParameterType;

        public Type OutputType => ResultType(function.Method);

        public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            await using var scope = app.CreateAsyncScope();
            var arguments = function.Method.GetParameters().Select(p =>
                p == trigger ? Convert(input, p.ParameterType)
                : p.ParameterType == typeof(FunctionContext) ? new TestFunctionContext(function.Name, scope.ServiceProvider, stopping)
                : p.ParameterType == typeof(CancellationToken) ? stopping
                : throw new NotSupportedException($"{function}: parameter '{p.Name}' ({p.ParameterType}) is not bound by this test's activity host.")).ToArray();
            var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Method.DeclaringType!);
            return await InvokeAsync(function, instance, arguments);
        }
    }
}

/// <summary>
/// The orchestration context a Durable Functions orchestrator gets (after the extension's FunctionsOrchestrationContext):
/// the worker's context, with <c>GetInput&lt;T&gt;()</c> converting the untyped input, and every call checked to run on the
/// orchestrator thread (an await that left it, e.g. ConfigureAwait(false) in orchestrator code, fails the orchestration).
/// </summary>
public sealed class FunctionsOrchestrationContext(TaskOrchestrationContext inner, object? input, ILoggerFactory loggers) : TaskOrchestrationContext
{
    public override TaskName Name => inner.Name;

    public override string InstanceId => inner.InstanceId;

    public override ParentOrchestrationInstance? Parent => inner.Parent;

    public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

    public override bool IsReplaying => inner.IsReplaying;

    public override string Version => inner.Version;

    public override IReadOnlyDictionary<string, object?> Properties => inner.Properties;

    public override TaskOrchestrationEntityFeature Entities => inner.Entities;

    protected override ILoggerFactory LoggerFactory => loggers;

    public override T? GetInput<T>() where T : default
    {
        Check();
        return (T?)DurableFunctions.Convert(input, typeof(T));
    }

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        Check();
        return inner.CallActivityAsync<TResult>(name, input, options);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        Check();
        return inner.CreateTimer(fireAt, cancellationToken);
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        Check();
        return inner.WaitForExternalEvent<T>(eventName, cancellationToken);
    }

    public override void SendEvent(string instanceId, string eventName, object payload)
    {
        Check();
        inner.SendEvent(instanceId, eventName, payload);
    }

    public override void SetCustomStatus(object? customStatus)
    {
        Check();
        inner.SetCustomStatus(customStatus);
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
    {
        Check();
        return inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, options);
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        Check();
        inner.ContinueAsNew(newInput, preserveUnprocessedEvents);
    }

    public override Guid NewGuid()
    {
        Check();
        return inner.NewGuid();
    }

    private static void Check()
    {
        if (!global::DurableTask.Core.OrchestrationContext.IsOrchestratorThread)
        {
            throw new InvalidOperationException(
                "The orchestrator used its context off the orchestrator thread (an await that did not come back to it, e.g. ConfigureAwait(false) " +
                "or Task.Run in orchestrator code): Durable Functions fails such an orchestration.");
        }
    }
}

/// <summary>The <see cref="FunctionContext"/> of one invocation, as far as the app's functions use it: its services and cancellation.</summary>
public sealed class TestFunctionContext(string functionName, IServiceProvider services, CancellationToken cancellationToken) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => functionName;

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override CancellationToken CancellationToken => cancellationToken;

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override TraceContext TraceContext => throw NotHere(nameof(TraceContext));

    public override BindingContext BindingContext => throw NotHere(nameof(BindingContext));

    public override Microsoft.Azure.Functions.Worker.RetryContext RetryContext => throw NotHere(nameof(RetryContext));

    public override FunctionDefinition FunctionDefinition => throw NotHere(nameof(FunctionDefinition));

    public override Microsoft.Azure.Functions.Worker.IInvocationFeatures Features => throw NotHere(nameof(Features));

    private NotSupportedException NotHere(string member) =>
        new($"{functionName} used FunctionContext.{member}, which this test's function host does not provide; extend TestFunctionContext.");
}
