using FuncTasks.Core.Model;

namespace FuncTasks.Core;

public sealed record StepContext(
    Guid TaskId,
    Guid StepId,
    string StepName,
    int Attempt,
    IReadOnlyDictionary<string, ParamValue> Params);
