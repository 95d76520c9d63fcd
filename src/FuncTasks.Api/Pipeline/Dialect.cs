using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Api.Pipeline;

/// <summary>
/// One API dialect's way of saying no: its bodies for 401, 403, domain errors and 500. Every handler runs
/// through <see cref="RunAsync"/>, which authenticates, translates domain outcomes in one place and turns
/// anything unexpected into the dialect's 500 with a reference that is logged next to the exception.
/// </summary>
public abstract partial class Dialect
{
    public abstract string Name { get; }

    public abstract IResult Unauthorized(HttpContext http);

    public abstract IResult Forbidden(HttpContext http, Caller caller);

    public abstract IResult Error(HttpContext http, FuncTasksException error);

    public abstract IResult InternalError(HttpContext http, string reference);

    /// <summary>503: storage could not be reached (or the request ran out of time); <c>Retry-After</c> is set by the caller.</summary>
    public abstract IResult Unavailable(HttpContext http, string reference, TimeSpan retryAfter);

    /// <summary>429: the key is over its rate; <c>Retry-After</c> is set by the caller.</summary>
    public abstract IResult TooManyRequests(HttpContext http, string partition, TimeSpan retryAfter);

    public async Task<IResult> RunAsync(HttpContext http, KeyRole required, Func<Task<IResult>> handler)
    {
        var services = http.RequestServices;
        var caller = services.GetRequiredService<ApiKeyAuthenticator>().Authenticate(http.Request);
        // Rate first, so guessing keys is limited too: per key name, or per client address without a valid key.
        var partition = caller is null ? "address " + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown") : "key " + caller.Name;
        if (services.GetRequiredService<ApiRateLimiter>().Refuse(partition) is { } wait)
        {
            LogRateLimited(Logger(http), partition, http.Request.Method, http.Request.Path, wait.TotalSeconds);
            SetRetryAfter(http, wait);
            return TooManyRequests(http, partition, wait);
        }

        if (caller is null)
        {
            return Unauthorized(http);
        }

        if (caller.Role < required)
        {
            return Forbidden(http, caller);
        }

        // Authenticated once: handlers ask CallerOf(http) instead of hashing the key again.
        http.Items[typeof(Caller)] = caller;

        // Audit trail: every task change this request makes is recorded under the key's name (the engine sets its own).
        using var actor = Core.Model.TaskActor.Begin(caller.Name);

        var options = services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var aborted = http.RequestAborted;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        http.RequestAborted = deadline.Token;
        try
        {
            deadline.CancelAfter(options.RequestTimeout);
            return await handler();
        }
        catch (FuncTasksException error)
        {
            return Error(http, error);
        }
        catch (ConcurrencyConflictException)
        {
            // Lost every bounded re-read against other writers: the state moved on; the caller may try again.
            return Error(http, new TaskConflictException(ConflictKind.ChangedConcurrently, "The task was changed by another request at the same time; read it again and retry."));
        }
        catch (BadHttpRequestException bad)
        {
            return Error(http, new InvalidRequestException("body", bad.Message));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception ex) when (http.Items.ContainsKey(JsonBody.ReadingBodyKey) && ex is OperationCanceledException or IOException)
        {
            // The body did not arrive in time, or the connection broke while it did: the client's problem, not storage's.
            return Error(http, new InvalidRequestException("body",
                $"The request body did not arrive completely within {options.RequestTimeout.TotalSeconds:0.#} s."));
        }
        catch (Exception ex) when (ex is OperationCanceledException or RunnerUnavailableException || services.GetService<IStorageFaults>()?.IsUnavailable(ex) == true)
        {
            // Past the request's deadline, or storage unreachable after the SDK's retries: nothing is known to be
            // wrong with the request, so the caller is told to come back (every write is ETag-guarded, a create can
            // carry an Idempotency-Key: trying again is safe).
            var reference = Guid.NewGuid().ToString();
            // One line per refused request (an outage refuses many): the cause in words; the stack adds nothing.
            LogUnavailable(Logger(http), reference, http.Request.Method, http.Request.Path, Cause(ex));
            SetRetryAfter(http, options.UnavailableRetryAfter);
            return Unavailable(http, reference, options.UnavailableRetryAfter);
        }
        catch (Exception ex)
        {
            var reference = Guid.NewGuid().ToString();
            LogUnexpected(Logger(http), ex, reference, http.Request.Method, http.Request.Path);
            return InternalError(http, reference);
        }
        finally
        {
            http.RequestAborted = aborted;
        }
    }

    /// <summary>The caller <see cref="RunAsync"/> authenticated for this request.</summary>
    public static Caller CallerOf(HttpContext http) =>
        http.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("The request was not authenticated by a dialect.");

    /// <summary>Whole seconds, rounded up (Retry-After has no fractions).</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private static void SetRetryAfter(HttpContext http, TimeSpan wait) =>
        http.Response.Headers.RetryAfter = RetryAfterSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FuncTasks.Api." + Name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable {Reference} on {Method} {Path}; answered 503 ({Cause})")]
    private static partial void LogUnavailable(ILogger logger, string reference, string method, string path, string cause);

    /// <summary>The innermost message of the first failure: "Connection refused (127.0.0.1:10002)", "Server Busy", ...</summary>
    private static string Cause(Exception exception)
    {
        var e = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return $"{exception.GetType().Name}: {e.Message}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit: {Partition} refused on {Method} {Path}; retry after {RetryAfterSeconds} s")]
    private static partial void LogRateLimited(ILogger logger, string partition, string method, string path, double retryAfterSeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error {Reference} on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string reference, string method, string path);
}
