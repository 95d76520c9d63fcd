using System.Net;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Actions;

/// <summary>
/// An <c>http</c> step's call failed: a non-2xx status (with the body excerpt), a timeout or too many redirects.
/// The URL in the message has no user-info, so a password in it never reaches an error body or a log.
/// </summary>
public sealed class HttpStepException : Exception
{
    public HttpStepException(string method, Uri uri, HttpStatusCode status, string bodyExcerpt)
        : base($"{method} {HttpDestinationGuard.Redact(uri)} answered {(int)status} ({status}): {bodyExcerpt}")
    {
        StatusCode = (int)status;
        BodyExcerpt = bodyExcerpt;
    }

    public HttpStepException(string method, Uri uri, TimeSpan timeout, Exception inner)
        : base($"{method} {HttpDestinationGuard.Redact(uri)} timed out after {timeout.TotalSeconds:0.###} s.", inner)
    {
    }

    public HttpStepException(string message, HttpStatusCode status)
        : base(message)
    {
        StatusCode = (int)status;
    }

    public int? StatusCode { get; }
    public string? BodyExcerpt { get; }

    /// <summary>The call timed out (no status).</summary>
    public bool IsTimeout => StatusCode is null && InnerException is OperationCanceledException;

    /// <summary>The wait the target asked for with <c>Retry-After</c> (a 429 or 503), honoured by a retry policy when longer.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
