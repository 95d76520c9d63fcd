using System.Text.Json;
using FuncTasks.Api.OpenApi;
using FuncTasks.Core.Commands.Agents;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FuncTasks.Api.Flatfile;

/// <summary>What the Jobs dialect needs from the engine: agent-driven tasks that are Flatfile jobs (origin <c>jobs</c>).</summary>
public static class FlatfileServices
{
    /// <summary>The <see cref="Core.Model.TaskRecord.Origin"/> of a job.</summary>
    public const string Origin = "jobs";

    /// <summary>The error type stored when an agent fails a job (as opposed to one the engine failed).</summary>
    public const string JobFailedErrorType = "FuncTasks.JobFailed";

    /// <summary>What a job stores in Flatfile's words.</summary>
    public static AgentTaskProfile Profile { get; } = new()
    {
        Origin = Origin,
        AgentStepDescription = "Done by an agent through the Jobs API",
        PredecessorsStepDescription = "Waits for the job's predecessors to complete",
        PartsStepDescription = "Waits for the job's parts to complete",
        AgentFailureType = JobFailedErrorType,
        AgentFailureMessage = "The agent failed the job.",
        PartCancelledInfo = "Canceled with its parent job.",
        PartFields = new Dictionary<string, JsonElement> { ["trigger"] = JsonSerializer.SerializeToElement(FlatfileJobFields.ImmediateTrigger) },
    };

    /// <summary>What the dialect adds to the services: the jobs' handler and its part of the OpenAPI document.</summary>
    public static IServiceCollection AddFlatfile(this IServiceCollection services)
    {
        services.TryAddKeyedSingleton(Origin, (sp, _) => ActivatorUtilities.CreateInstance<AgentTaskHandler>(sp, Profile));
        return services.AddDialectOpenApi<FlatfileOpenApi>();
    }

    /// <summary>The jobs' handler of this request's services.</summary>
    public static AgentTaskHandler Jobs(this HttpContext http) => http.RequestServices.GetRequiredKeyedService<AgentTaskHandler>(Origin);
}
