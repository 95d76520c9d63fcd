using System.ComponentModel.DataAnnotations;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Idempotency;

/// <summary>Configuration section <c>FuncTasks:Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "FuncTasks:Idempotency";

    /// <summary>How long a key is remembered: the same key and body within it returns the first result.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a request with a key whose first request is still creating waits for it before answering 409.</summary>
    public TimeSpan WaitForFirst { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After this long without its task, a reservation is presumed dead (its request failed, e.g. storage was down)
    /// and the next request with the key creates the task under the reserved id. Must exceed
    /// <c>FuncTasks:Api:RequestTimeout</c>, so the first request has ended by then.
    /// </summary>
    public TimeSpan TakeOverAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest accepted key (printable ASCII).</summary>
    [Range(1, 1024)]
    public int MaxKeyLength { get; set; } = 255;
}
