namespace FuncTasks.Api.Dr;

/// <summary>
/// Who may read task info (configuration section <c>FuncTasks:TaskInfo</c>). Every valid key may, unless
/// <see cref="AllowedKeys"/> names keys: then only those (by key name) may, and any other valid key gets 403.
/// </summary>
public sealed class DrOptions
{
    public const string Section = "FuncTasks:TaskInfo";

    public IList<string> AllowedKeys { get; } = [];
}
