namespace FuncTasks.Api.Dr;

public sealed record DrListMeta(IReadOnlyList<DrMetaError> Errors, int Total, int Offset, int Limit);
