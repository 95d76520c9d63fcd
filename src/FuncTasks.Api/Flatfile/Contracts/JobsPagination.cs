namespace FuncTasks.Api.Flatfile;

public sealed record JobsPagination(int CurrentPage, int PageCount, int TotalCount);
