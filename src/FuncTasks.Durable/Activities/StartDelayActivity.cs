using FuncTasks.Core.Engine;
using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;

namespace FuncTasks.Durable.Activities;

/// <summary>The <c>StartDelay</c> activity for a DurableTaskWorker.</summary>
public sealed class StartDelayActivity(TaskRunActivities activities, IHostApplicationLifetime host) : TaskActivity<TaskRun, TimeSpan?>
{
    public override Task<TimeSpan?> RunAsync(TaskActivityContext context, TaskRun input) =>
        activities.StartDelayAsync(input, host.ApplicationStopping);
}
