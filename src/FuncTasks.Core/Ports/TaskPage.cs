using FuncTasks.Core.Model;

namespace FuncTasks.Core;

public sealed record TaskPage(IReadOnlyList<TaskRecord> Items, int TotalCount);
