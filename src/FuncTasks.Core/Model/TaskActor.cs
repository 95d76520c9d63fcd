namespace FuncTasks.Core.Model;

/// <summary>
/// Who is changing tasks on the current async flow. The API sets it once per request, after authentication, to the
/// key's name; the engine never relies on it: its writes carry <see cref="TaskUpdate.Actor"/> = <see cref="Engine"/>
/// explicitly, so background work can never be recorded under a caller's identity even if it inherited the flow.
/// </summary>
public static class TaskActor
{
    public const string Engine = "engine";

    /// <summary>A write made outside any request and not by the engine (should not happen; recorded rather than lost).</summary>
    public const string System = "system";

    private static readonly AsyncLocal<string?> Ambient = new();

    public static string? Current => Ambient.Value;

    /// <summary>Sets the actor for the rest of this async flow; disposing restores the previous one.</summary>
    public static Scope Begin(string name)
    {
        var previous = Ambient.Value;
        Ambient.Value = name;
        return new Scope(previous);
    }

    /// <summary>The explicit actor of a write, else the flow's, else <see cref="System"/>.</summary>
    public static string Resolve(string? explicitActor) =>
        !string.IsNullOrEmpty(explicitActor) ? explicitActor : Current is { Length: > 0 } current ? current : System;

    public readonly struct Scope(string? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
