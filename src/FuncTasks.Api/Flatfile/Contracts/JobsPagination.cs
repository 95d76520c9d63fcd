using System.Text.Json;
using System.Text.Json.Serialization;

namespace FuncTasks.Api.Flatfile;

public sealed record JobsPagination(int CurrentPage, int PageCount, int TotalCount);
