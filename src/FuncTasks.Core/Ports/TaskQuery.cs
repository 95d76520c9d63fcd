using FuncTasks.Core.Model;

namespace FuncTasks.Core;

public sealed record TaskQuery(
    int Skip,
    int Take,
    IReadOnlyCollection<TaskState>? Statuses = null,
    string? Type = null,
    string? NameContains = null,
    string? Origin = null,
    bool OldestFirst = false,
    bool CountTotal = true)
{
    /// <summary>A further condition on each task row, checked while paging (e.g. on dialect data in Extensions).</summary>
    public Func<TaskRecord, bool>? Matches { get; init; }
}
