using FuncTasks.Core.Engine;
using FuncTasks.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace FuncTasks.Functions.Durable;

/// <summary>
/// The task-run orchestrator and its activities as functions: one-line delegations to FuncTasks.Durable and Core,
/// the same code the LocalHost's Durable runner registers with its worker.
/// </summary>
public sealed class TaskRunFunctions(TaskRunActivities activities)
{
    [Function(TaskRunOrchestrator.Name)]
    public static Task<StepRunKind> RunTask([OrchestrationTrigger] TaskOrchestrationContext context) =>
        TaskRunOrchestrator.RunAsync(context);

    [Function(TaskRunOrchestrator.ExecuteStepActivity)]
    public Task<StepReport> ExecuteStep([ActivityTrigger] TaskRun run, FunctionContext function) =>
        activities.ExecuteStepAsync(run, function.CancellationToken);

    [Function(TaskRunOrchestrator.FailRunActivity)]
    public async Task<bool> FailRun([ActivityTrigger] BrokenRun run, FunctionContext function)
    {
        await activities.FailRunAsync(run, function.CancellationToken);
        return true;
    }
}
