using System.Text.Json.Nodes;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>
/// What the <c>http</c> steps of these tests call on the toolkit's loopback <see cref="TargetServer"/>: <c>/ok/{name}</c>
/// answers 200, <c>/fail/{name}</c> answers 503 ("maintenance window"); <see cref="CallsOf"/> counts the calls of a name on both.
/// </summary>
public static class TargetRoutes
{
    public static string Ok(this TargetServer target, string name)
    {
        var path = $"ok/{name}";
        target.Respond(path, 200, new JsonObject { ["name"] = name }.ToJsonString());
        return target.Url(path);
    }

    public static string Fail(this TargetServer target, string name)
    {
        var path = $"fail/{name}";
        target.Respond(path, 503, "maintenance window");
        return target.Url(path);
    }

    public static int CallsOf(this TargetServer target, string name) => target.Calls($"ok/{name}") + target.Calls($"fail/{name}");
}
