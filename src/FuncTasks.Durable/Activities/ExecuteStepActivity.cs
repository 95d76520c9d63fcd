using FuncTasks.Core.Engine;
using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;

namespace FuncTasks.Durable.Activities;

/// <summary>The <c>ExecuteStep</c> activity for a DurableTaskWorker (the Functions app's is a <c>[Function]</c> over the same method).</summary>
public sealed class ExecuteStepActivity(TaskRunActivities activities, IHostApplicationLifetime host) : TaskActivity<TaskRun, StepReport>
{
    public override Task<StepReport> RunAsync(TaskActivityContext context, TaskRun input) =>
        activities.ExecuteStepAsync(input, host.ApplicationStopping);
}
