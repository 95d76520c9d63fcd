using System.ComponentModel.DataAnnotations;

namespace FuncTasks.Api.Pipeline;

/// <summary>How long a request may take and what an outage answers (configuration section <c>FuncTasks:Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "FuncTasks:Api";

    /// <summary>
    /// Longest a request may work; past it the request is cancelled and answered 503 with <c>Retry-After</c>
    /// (storage that hangs instead of refusing still gets a prompt answer).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>Retry-After</c> of a 503 when storage cannot be reached.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}
