namespace FuncTasks.Api.Pipeline;

public sealed class AuthOptions
{
    public const string Section = "FuncTasks:Auth";

    public IList<ApiKey> Keys { get; } = [];
}
