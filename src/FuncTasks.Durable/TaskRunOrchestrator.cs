using FuncTasks.Core.Engine;
using Microsoft.DurableTask;

namespace FuncTasks.Durable;

/// <summary>
/// The orchestration of a task run: one instance per task (instance id = task id), Core's
/// <see cref="OrchestratedTaskLoop"/> over <see cref="DurableTaskOrchestration"/>. Both hosts register these names:
/// the Functions app as <c>[Function]</c> methods, the LocalHost through <see cref="DurableTaskRegistryExtensions.AddTaskRun"/>.
/// </summary>
public static class TaskRunOrchestrator
{
    public const string Name = "RunTask";
    public const string ExecuteStepActivity = "ExecuteStep";
    public const string FailRunActivity = "FailRun";

    /// <summary>The event that resumes an orchestration waiting after a failure or on an external step; payload: the new run generation.</summary>
    public const string ResumeEvent = "resume";

    /// <summary>The orchestrator, its input read from the context (the Functions app's <c>[OrchestrationTrigger]</c>).</summary>
    public static Task<StepRunKind> RunAsync(TaskOrchestrationContext context) =>
        RunAsync(context, context.GetInput<TaskRun>() ?? throw new InvalidOperationException($"Orchestration {context.InstanceId} has no input."));

    /// <summary>The orchestrator with its typed input (a DurableTaskWorker's registration).</summary>
    public static Task<StepRunKind> RunAsync(TaskOrchestrationContext context, TaskRun run) =>
        OrchestratedTaskLoop.RunAsync(new DurableTaskOrchestration(context), run);

    public static string InstanceId(Guid taskId) => taskId.ToString("D");
}
