using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Api.WireFormat;

/// <summary>
/// Lets every dialect answer a body of the wrong media type itself. The endpoints declare <c>Accepts(application/json)</c>
/// for the OpenAPI document; ASP.NET Core routing also enforces that metadata with a 415 of its own (no body, before
/// the key is checked), which only the LocalHost would send (the Functions triggers carry no such metadata).
/// <see cref="JsonBody.ReadObjectAsync"/> checks the Content-Type instead and refuses in the dialect's error body.
/// </summary>
public static class MediaTypes
{
    private const string RoutingAcceptsPolicy = "Microsoft.AspNetCore.Routing.Matching.AcceptsMatcherPolicy";

    public static IServiceCollection AnswerMediaTypesInDialects(this IServiceCollection services)
    {
        foreach (var policy in services.Where(d => d.ServiceType == typeof(MatcherPolicy) && d.ImplementationType?.FullName == RoutingAcceptsPolicy).ToList())
        {
            services.Remove(policy);
        }

        return services;
    }
}
