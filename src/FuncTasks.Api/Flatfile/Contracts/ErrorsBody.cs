namespace FuncTasks.Api.Flatfile;

/// <summary>Every error body of this dialect: <c>{errors: [{key?, message}]}</c>; <c>key</c> names the field at fault.</summary>
public sealed record ErrorsBody(IReadOnlyList<JobError> Errors);
