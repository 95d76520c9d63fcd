namespace FuncTasks.Core.Model;

/// <summary>What kind of change an audit event records.</summary>
public enum TaskEventKind
{
    /// <summary>The task was created (synthesised from the task row's CreatedBy and CreatedAt).</summary>
    TaskCreated,
    TaskStatusChanged,

    /// <summary>Other fields of the task changed while no status did (e.g. the info or progress an agent reported).</summary>
    TaskUpdated,
    StepStatusChanged,
    StepParamsChanged,
    StepAdded,
    StepRemoved,

    /// <summary>A step at the same position became a different step (a plan replaced before it ran).</summary>
    StepReplaced,
}
