using System.ComponentModel.DataAnnotations;

namespace FuncTasks.Core;

/// <summary>Engine limits (configuration section <c>FuncTasks:Engine</c>).</summary>
public sealed class EngineOptions
{
    public const string Section = "FuncTasks:Engine";

    /// <summary>Most steps a task may have.</summary>
    [Range(1, 99)]
    public int MaxSteps { get; set; } = 50;

    /// <summary>Longest a single attempt of a step may run before it fails with a timeout.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many times a lost optimistic-concurrency race is re-read and re-checked.</summary>
    [Range(1, 100)]
    public int MaxConflictRetries { get; set; } = 8;
}

/// <summary>The <c>http</c> action's settings (configuration section <c>FuncTasks:Http</c>).</summary>
public sealed class HttpActionOptions
{
    public const string Section = "FuncTasks:Http";

    /// <summary>Host names or IP addresses steps may call; loopback only unless configured.</summary>
    public IList<string> AllowedHosts { get; } = [];

    public static IReadOnlyList<string> DefaultAllowedHosts { get; } = ["127.0.0.1", "::1", "[::1]", "localhost"];

    public int MaxResponseExcerptBytes { get; set; } = 1024;
}
