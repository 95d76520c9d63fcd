using FuncTasks.Api.Common;
using FuncTasks.Api.Jobs;
using FuncTasks.Api.Processes;
using FuncTasks.Api.TaskInfo;
using FuncTasks.Api.Tasks;
using FuncTasks.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FuncTasks.Api;

public static class FuncTasksApi
{
    /// <summary>The engine (Core) with its options bound from configuration, the keys and the dialects' services.</summary>
    public static IServiceCollection AddFuncTasks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFuncTasksCore();
        // A task and its steps are inserted in one entity-group transaction (at most 100 entities): refuse to start
        // with a MaxSteps that could not be stored rather than fail a request later.
        services.AddOptions<EngineOptions>().Bind(configuration.GetSection(EngineOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.Retry.ToPolicy().Problem() is null, "FuncTasks:Engine:Retry is not a valid retry policy (maxAttempts 1–10, intervals 0–86400 s, backoffRate 1–10, known nonRetryable classes).")
            .ValidateOnStart();
        services.Configure<HttpActionOptions>(configuration.GetSection(HttpActionOptions.Section));
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ApiRateLimiter>();
        // A reservation may only be taken over once the request that made it can no longer be working on it.
        services.AddOptions<Core.Idempotency.IdempotencyOptions>().Bind(configuration.GetSection(Core.Idempotency.IdempotencyOptions.Section)).ValidateDataAnnotations()
            .Validate<Microsoft.Extensions.Options.IOptions<ApiOptions>>((idempotency, api) => idempotency.TakeOverAfter > api.Value.RequestTimeout,
                "FuncTasks:Idempotency:TakeOverAfter must be longer than FuncTasks:Api:RequestTimeout.").ValidateOnStart();
        services.AddJobs();
        services.AddOptions<TaskInfoOptions>().Bind(configuration.GetSection(TaskInfoOptions.Section));
        services.AnswerMediaTypesInDialects();
        return services;
    }

    /// <summary>Every dialect's endpoints. Each host (LocalHost, Functions) exposes exactly these.</summary>
    public static IEndpointRouteBuilder MapFuncTasks(this IEndpointRouteBuilder app)
    {
        app.MapTasksApi();
        app.MapJobsApi();
        app.MapProcessesApi();
        app.MapTaskInfoApi();
        return app;
    }
}
