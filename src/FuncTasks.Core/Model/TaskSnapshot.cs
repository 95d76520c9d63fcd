namespace FuncTasks.Core.Model;

/// <summary>A task with its steps (and, when asked for, their finished attempts) as read in one partition query.</summary>
public sealed record TaskSnapshot(TaskRecord Task, IReadOnlyList<TaskStep> Steps, IReadOnlyList<StepAttempt> Attempts)
{
    public TaskStep? NextRunnableStep => Steps.FirstOrDefault(s => !s.Status.IsDone());

    public TaskStep? FailedStep => Steps.FirstOrDefault(s => s.Status == StepState.Failed);

    public IEnumerable<StepAttempt> AttemptsOf(int stepIndex) => Attempts.Where(a => a.StepIndex == stepIndex).OrderBy(a => a.Number);

    public TaskSnapshot With(TaskRecord? task = null, IEnumerable<TaskStep>? steps = null)
    {
        var changed = steps?.ToDictionary(s => s.Index) ?? [];
        return this with
        {
            Task = task ?? Task,
            Steps = changed.Count == 0 ? Steps : Steps.Select(s => changed.GetValueOrDefault(s.Index, s)).ToList(),
        };
    }
}
