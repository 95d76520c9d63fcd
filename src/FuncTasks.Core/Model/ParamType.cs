namespace FuncTasks.Core.Model;

public enum ParamType
{
    STRING,
    LONG,
    DOUBLE,
}
