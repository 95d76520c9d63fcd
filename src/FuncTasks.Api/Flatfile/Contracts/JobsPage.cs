namespace FuncTasks.Api.Flatfile;

public sealed record JobsPage(JobsPagination Pagination, IReadOnlyList<FlatfileJob> Data);
