using FuncTasks.Api.Cognaize;
using FuncTasks.Api.Dr;
using FuncTasks.Api.Flatfile;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.Vcf;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FuncTasks.Api;

/// <summary>
/// The API in one place: the engine, the request pipeline's services and the dialects. A dialect is one folder
/// (<c>Api/&lt;Dialect&gt;/</c>) with one <c>Add…</c> and one <c>Map…</c> call here; the Functions app has one file of
/// functions per dialect.
/// </summary>
public static class FuncTasksApi
{
    /// <summary>What the OpenAPI document says FuncTasks is.</summary>
    public const string Description = """
        One task model and one engine behind four wire contracts: the Tasks API of VMware Cloud Foundation
        SDDC Manager (`/v1/tasks`), the task info of VMware Live Site Recovery (`/tasks`), the Process API of the
        Cognaize workflow engine (`/api/v1/processes`, `/api/v1/workflows`) and the Jobs API of Flatfile (`/v1/jobs`).
        Each dialect answers errors in its own body. Every endpoint needs a key, sent as `Authorization: Bearer <key>`
        or `x-functions-key: <key>`; a reader key may only read.
        """;

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
        services.AnswerMediaTypesInDialects();

        services.AddVcf();
        services.AddFlatfile();
        services.AddCognaize();
        services.AddDr(configuration);
        return services;
    }

    /// <summary>Every dialect's endpoints. Each host (LocalHost, Functions) exposes exactly these.</summary>
    public static IEndpointRouteBuilder MapFuncTasks(this IEndpointRouteBuilder app)
    {
        app.MapVcfApi();
        app.MapFlatfileApi();
        app.MapCognaizeApi();
        app.MapDrApi();
        return app;
    }
}
