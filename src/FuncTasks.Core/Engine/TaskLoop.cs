namespace FuncTasks.Core.Engine;

/// <summary>The one orchestration loop shared by the Durable orchestrator and the queue runner.</summary>
public static class TaskLoop
{
    public static async Task<StepRunKind> RunAsync(ITaskLoopContext context)
    {
        while (true)
        {
            var outcome = await context.RunNextStepAsync();
            switch (outcome)
            {
                case StepRunKind.StepCompleted:
                    continue;
                case StepRunKind.StepFailed or StepRunKind.Waiting:
                    if (await context.WaitForResumeAsync(outcome))
                    {
                        continue;
                    }

                    return outcome;
                default:
                    return outcome;
            }
        }
    }
}
