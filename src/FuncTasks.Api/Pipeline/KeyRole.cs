namespace FuncTasks.Api.Pipeline;

public enum KeyRole
{
    Reader = 1,
    Operator = 2,
}
