using FuncTasks.Core.Engine;
using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;

namespace FuncTasks.Durable.Activities;

/// <summary>The <c>FailRun</c> activity for a DurableTaskWorker.</summary>
public sealed class FailRunActivity(TaskRunActivities activities, IHostApplicationLifetime host) : TaskActivity<BrokenRun, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, BrokenRun input)
    {
        await activities.FailRunAsync(input, host.ApplicationStopping);
        return true;
    }
}
