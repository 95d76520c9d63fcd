namespace FuncTasks.Api.Flatfile;

/// <summary>Success bodies: <c>{data: ...}</c>.</summary>
public sealed record DataBody<T>(T Data);
