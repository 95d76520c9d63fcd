namespace FuncTasks.Api.Pipeline;

/// <summary>One API key: <c>FuncTasks:Auth:Keys:0:Name|Secret|Role</c> (Role <c>reader</c> or <c>operator</c>).</summary>
public sealed class ApiKey
{
    public string Name { get; set; } = string.Empty;
    public string Secret { get; set; } = string.Empty;
    public string Role { get; set; } = "reader";
}
