using System.Text;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.WireFormat;

/// <summary>The audit trail's words shared by every dialect that shows it: kinds in upper snake case, as status words are.</summary>
public static class AuditWire
{
    /// <summary>TaskStatusChanged → TASK_STATUS_CHANGED.</summary>
    public static string Kind(TaskEventKind kind)
    {
        var name = kind.ToString();
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToUpperInvariant(c));
        }

        return text.ToString();
    }

    /// <summary>A status of an event (task or step, by its kind) in the dialect's words; null when the event has none.</summary>
    public static string? Status(TaskEvent e, string? value, Func<TaskState, string> task, Func<StepState, string> step) => e.Kind switch
    {
        TaskEventKind.TaskStatusChanged when Enum.TryParse<TaskState>(value, out var s) => task(s),
        TaskEventKind.StepStatusChanged when Enum.TryParse<StepState>(value, out var s) => step(s),
        _ => null,
    };
}
