using FuncTasks.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.Api.Common;

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

    public async Task<IResult> RunAsync(HttpContext http, KeyRole required, Func<Task<IResult>> handler)
    {
        var caller = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>().Authenticate(http.Request);
        if (caller is null)
        {
            return Unauthorized(http);
        }

        if (caller.Role < required)
        {
            return Forbidden(http, caller);
        }

        try
        {
            return await handler();
        }
        catch (FuncTasksException error)
        {
            return Error(http, error);
        }
        catch (ConcurrencyConflictException)
        {
            // Lost every bounded re-read against other writers: the state moved on; the caller may try again.
            return Error(http, new TaskConflictException(ConflictKind.EditNotAllowed, "The task was changed by another request at the same time; read it again and retry."));
        }
        catch (BadHttpRequestException bad)
        {
            return Error(http, new InvalidRequestException("body", bad.Message));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception ex)
        {
            var reference = Guid.NewGuid().ToString();
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FuncTasks.Api." + Name);
            LogUnexpected(logger, ex, reference, http.Request.Method, http.Request.Path);
            return InternalError(http, reference);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error {Reference} on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string reference, string method, string path);
}
