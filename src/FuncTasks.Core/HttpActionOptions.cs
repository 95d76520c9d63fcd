namespace FuncTasks.Core;

/// <summary>The <c>http</c> action's settings (configuration section <c>FuncTasks:Http</c>).</summary>
public sealed class HttpActionOptions
{
    public const string Section = "FuncTasks:Http";

    /// <summary>
    /// What steps may call: host names, <c>*.suffix</c> wildcards, IP addresses and CIDR ranges (<see cref="Actions.HttpAllowList"/>).
    /// Loopback only unless configured. Private, loopback, link-local (cloud metadata) and other internal addresses
    /// are reachable only through an IP or CIDR entry, never because a listed name resolves there.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Used when <see cref="AllowedHosts"/> is empty: local development against loopback servers works without configuration.</summary>
    public static IReadOnlyList<string> DefaultAllowedHosts { get; } = ["127.0.0.1", "::1", "localhost"];

    /// <summary>At most this many bytes of a response body are read (the excerpt in errors and outputs); the rest is never downloaded.</summary>
    public int MaxResponseExcerptBytes { get; set; } = 1024;

    /// <summary>Redirects (301, 302, 303, 307, 308) a step follows, each target checked like the step's own URL; 0 = none.</summary>
    public int MaxRedirects { get; set; } = 5;
}
