using System.Text.Json;
using System.Text.Json.Serialization;

namespace FuncTasks.Api.Flatfile;

public sealed record JobsPage(JobsPagination Pagination, IReadOnlyList<FlatfileJob> Data);
