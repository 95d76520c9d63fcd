using FuncTasks.Core.Model;

namespace FuncTasks.Core.Definitions;

public static class DefinitionParams
{
    /// <summary>A parameter with a type and no value: an input the start request fills.</summary>
    public static bool IsInput(ParamValue value) => value is { StrValue: null, LongValue: null, DoubleValue: null };

    public static ParamValue Input(ParamType type) => new(type);
}
