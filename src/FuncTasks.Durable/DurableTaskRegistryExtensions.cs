using FuncTasks.Core.Engine;
using FuncTasks.Durable.Activities;
using Microsoft.DurableTask;

namespace FuncTasks.Durable;

public static class DurableTaskRegistryExtensions
{
    /// <summary>Registers the task-run orchestrator and its activities, under the names the Functions app gives its functions.</summary>
    public static DurableTaskRegistry AddTaskRun(this DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<TaskRun, StepRunKind>(TaskRunOrchestrator.Name, (context, run) => TaskRunOrchestrator.RunAsync(context, run))
        .AddActivity<ExecuteStepActivity>(TaskRunOrchestrator.ExecuteStepActivity)
        .AddActivity<FailRunActivity>(TaskRunOrchestrator.FailRunActivity);
}
