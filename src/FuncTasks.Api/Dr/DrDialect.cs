using System.Text.Json;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Api.Dr;

/// <summary>
/// The VMware Live Site Recovery task-info dialect: snake_case, its status words, 401 and 404 without a body,
/// and <c>{error_code, message, op_id}</c> for 400, 403 and 500, the op_id logged with the reason.
/// </summary>
public sealed partial class DrDialect : Dialect
{
    public static DrDialect Instance { get; } = new();

    /// <summary>snake_case with nulls written: every field of the seed is always present.</summary>
    public static JsonSerializerOptions Json { get; } = new(Wire.SnakeCase)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    public override string Name => "TaskInfo";

    public static string Status(TaskState state) => state switch
    {
        TaskState.Created => "QUEUED",
        TaskState.InProgress => "RUNNING",
        TaskState.Succeeded => "SUCCESS",
        TaskState.Failed => "ERROR",
        _ => "CANCELLED",
    };

    public static TaskState? ParseStatus(string text) => text.Trim().ToUpperInvariant() switch
    {
        "QUEUED" => TaskState.Created,
        "RUNNING" => TaskState.InProgress,
        "SUCCESS" => TaskState.Succeeded,
        "ERROR" => TaskState.Failed,
        "CANCELLED" => TaskState.Cancelled,
        _ => null,
    };

    public static DrTask ToTask(TaskRecord task) => new(
        task.Id.ToString(),
        task.Description ?? task.Name,
        task.Type,
        Status(task.Status),
        ToError(task.Error),
        Math.Clamp(task.Progress, 0, 100),
        Wire.Time(task.StartedAt),
        Wire.Time(task.Status.IsFinished() ? task.CompletedAt : null),
        new DrMeta([]));

    /// <summary>The failure chain as nested exceptions; each keeps its own frames.</summary>
    public static DrError? ToError(FailureDetails? failure) => failure is null
        ? null
        : new DrError(ToError(failure.InnerFailure), DotNetStackTrace.Parse(failure.StackTrace), failure.Message, [], failure.Message);

    /// <summary>Reader keys may read, unless <see cref="DrOptions.AllowedKeys"/> restricts task info to named keys.</summary>
    public Task<IResult> ReadAsync(HttpContext http, Func<Task<IResult>> handler) =>
        RunAsync(http, KeyRole.Reader, () =>
        {
            var allowed = http.RequestServices.GetRequiredService<IOptionsMonitor<DrOptions>>().CurrentValue.AllowedKeys;
            var caller = CallerOf(http);
            return allowed.Count == 0 || allowed.Contains(caller.Name, StringComparer.OrdinalIgnoreCase)
                ? handler()
                : Task.FromResult(Forbidden(http, caller));
        });

    public override IResult Unauthorized(HttpContext http) => new NoBody(StatusCodes.Status401Unauthorized, "Bearer");

    public override IResult Forbidden(HttpContext http, Caller caller)
    {
        var message = $"The key '{caller.Name}' may not read task info (it is not in {DrOptions.Section}:AllowedKeys).";
        return Refuse(http, StatusCodes.Status403Forbidden, "FORBIDDEN", message);
    }

    public override IResult Error(HttpContext http, FuncTasksException error) => error switch
    {
        TaskNotFoundException => new NoBody(StatusCodes.Status404NotFound),
        _ => Refuse(http, StatusCodes.Status400BadRequest, "INVALID_REQUEST", error.Message),
    };

    public override IResult InternalError(HttpContext http, string reference) =>
        Results.Json(new DrResponseError("INTERNAL_SERVER_ERROR", "Unexpected error; quote the op_id when reporting it.", reference), Json,
            statusCode: StatusCodes.Status500InternalServerError);

    public override IResult Unavailable(HttpContext http, string reference, TimeSpan retryAfter) =>
        Results.Json(new DrResponseError("SERVICE_UNAVAILABLE", $"Task storage cannot be reached right now; retry after {RetryAfterSeconds(retryAfter)} s.", reference), Json,
            statusCode: StatusCodes.Status503ServiceUnavailable);

    public override IResult TooManyRequests(HttpContext http, string partition, TimeSpan retryAfter) =>
        Refuse(http, StatusCodes.Status429TooManyRequests, "TOO_MANY_REQUESTS", $"Too many requests for {partition}; retry after {RetryAfterSeconds(retryAfter)} s.");

    private static IResult Refuse(HttpContext http, int status, string code, string message)
    {
        var opId = Guid.NewGuid().ToString();
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FuncTasks.Api.Dr");
        LogRefused(logger, opId, status, http.Request.Method, http.Request.Path, message);
        return Results.Json(new DrResponseError(code, message, opId), Json, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task info request {OpId} refused with {Status} on {Method} {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string opId, int status, string method, string path, string reason);

    /// <summary>A status code with no body at all (the DR API's 401 and 404).</summary>
    private sealed class NoBody(int status, string? challenge = null) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (challenge is not null)
            {
                httpContext.Response.Headers.WWWAuthenticate = challenge;
            }

            return Task.CompletedTask;
        }
    }
}
