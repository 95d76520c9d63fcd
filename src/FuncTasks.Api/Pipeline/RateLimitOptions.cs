using System.ComponentModel.DataAnnotations;

namespace FuncTasks.Api.Pipeline;

/// <summary>
/// Per-key request rate (configuration section <c>FuncTasks:RateLimit</c>): a token bucket per API key (per client
/// address for requests without a valid key), <see cref="TokenLimit"/> requests at once and
/// <see cref="TokensPerSecond"/> a second after that.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "FuncTasks:RateLimit";

    public bool Enabled { get; set; } = true;

    /// <summary>The burst: how many requests a key may make at once.</summary>
    [Range(1, 1_000_000)]
    public int TokenLimit { get; set; } = 200;

    /// <summary>The sustained rate per key.</summary>
    [Range(1, 1_000_000)]
    public int TokensPerSecond { get; set; } = 100;
}
