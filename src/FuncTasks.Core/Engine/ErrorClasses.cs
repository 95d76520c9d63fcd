using System.Net.Sockets;
using FuncTasks.Core.Actions;

namespace FuncTasks.Core.Engine;

/// <summary>What kind of failure an attempt ended with, and whether a retry policy may try the step again.</summary>
public sealed record ErrorClass(string Name, bool Transient, int? HttpStatus = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Sorts the failure of an attempt into an error class. Transient (retried by a step's retry policy): <c>timeout</c>
/// (the step's or the http call's), <c>connection</c> (no response: refused, reset, DNS), <c>http-408</c>,
/// <c>http-429</c> (its <c>Retry-After</c> honoured), <c>http-5xx</c>, and <c>action</c> (any other exception of an
/// action). Never retried: <c>http-4xx</c> (other 4xx, a redirect not followed), <c>parameters</c> (bad or refused
/// parameters, an unknown action), <c>permanent</c> (<see cref="PermanentStepException"/>) and cancellation.
/// </summary>
public static class ErrorClasses
{
    public const string Timeout = "timeout";
    public const string Connection = "connection";
    public const string Http408 = "http-408";
    public const string Http429 = "http-429";
    public const string Http5xx = "http-5xx";
    public const string Action = "action";
    public const string Http4xx = "http-4xx";
    public const string Parameters = "parameters";
    public const string Permanent = "permanent";

    /// <summary>The classes a policy retries (and that <c>nonRetryable</c> may name).</summary>
    public static IReadOnlyList<string> Retryable { get; } = [Timeout, Connection, Http408, Http429, Http5xx, Action];

    /// <summary>A class name or an HTTP status that <c>nonRetryable</c> may list: a transient class, or 408, 429, 500–599.</summary>
    public static bool IsKnown(string? name) =>
        name is not null && (Retryable.Contains(name, StringComparer.OrdinalIgnoreCase)
            || (int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
                && status is 408 or 429 or (>= 500 and <= 599)));

    public static ErrorClass Classify(Exception exception)
    {
        switch (exception)
        {
            case PermanentStepException:
                return new ErrorClass(Permanent, false);
            case StepTimeoutException:
                return new ErrorClass(Timeout, true);
            case HttpHostNotAllowedException or UnknownActionException or ArgumentException:
                return new ErrorClass(Parameters, false);
            case HttpStepException { StatusCode: { } status } http:
                return status switch
                {
                    408 => new ErrorClass(Http408, true, status),
                    429 => new ErrorClass(Http429, true, status, http.RetryAfter),
                    >= 500 and <= 599 => new ErrorClass(Http5xx, true, status, http.RetryAfter),
                    _ => new ErrorClass(Http4xx, false, status),
                };
            case HttpStepException { IsTimeout: true }:
                return new ErrorClass(Timeout, true);
            case TimeoutException:
                return new ErrorClass(Timeout, true);
            case HttpRequestException or SocketException or IOException:
                return new ErrorClass(Connection, true);
            default:
                return new ErrorClass(Action, true);
        }
    }
}
