using System.Text.Json.Serialization;

namespace FuncTasks.Api.Dr;

/// <summary>The page of <c>GET /tasks</c>: the tasks and, in <c>_meta</c>, the paging that produced them.</summary>
public sealed record DrTaskList(
    IReadOnlyList<DrTask> List,
    [property: JsonPropertyName("_meta")] DrListMeta Meta);
