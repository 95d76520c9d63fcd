namespace FuncTasks.Api.Dr;

public sealed record DrMeta(IReadOnlyList<DrMetaError> Errors);
