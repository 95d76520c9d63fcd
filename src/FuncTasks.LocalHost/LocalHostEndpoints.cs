using System.Reflection;
using FuncTasks.Core.Engine;
using FuncTasks.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace FuncTasks.LocalHost;

internal static partial class LocalHostEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", (IServiceProvider services, RunningSteps running, StorageOutage outage) => Results.Ok(new
        {
            // Liveness: the host answers. Whether its workers currently see storage (they back off while they don't).
            status = outage.InOutage ? "Degraded" : "Healthy",
            storage = outage.InOutage ? "unavailable" : "available",
            version = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            runner = services.GetService<QueueTaskRunner>() is null ? "durable" : "queue",
            runsInFlight = services.GetService<QueueTaskRunner>()?.InFlight,
            stepsRunning = running.Count,
        })).WithName("Health").WithSummary("Liveness of the LocalHost and its runner").ExcludeFromDescription();
}

/// <summary>Anything that escapes the dialect handlers (it should not): a 500 with a logged reference, never the exception.</summary>
internal static partial class LastResort
{
    public static async Task HandleAsync(HttpContext http)
    {
        var reference = Guid.NewGuid().ToString();
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FuncTasks.LocalHost");
        LogUnhandled(logger, error, reference);
        http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await http.Response.WriteAsJsonAsync(new { message = "Unexpected error.", referenceToken = reference });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error {Reference}")]
    private static partial void LogUnhandled(ILogger logger, Exception? exception, string reference);
}
