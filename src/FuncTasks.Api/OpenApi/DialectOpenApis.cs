using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FuncTasks.Api.OpenApi;

/// <summary>Registers and finds the dialects' <see cref="IDialectOpenApi"/>.</summary>
internal static class DialectOpenApis
{
    public static IServiceCollection AddDialectOpenApi<T>(this IServiceCollection services) where T : class, IDialectOpenApi
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDialectOpenApi, T>());
        return services;
    }

    public static IReadOnlyList<IDialectOpenApi> All(IServiceProvider services) => services.GetServices<IDialectOpenApi>().ToList();

    /// <summary>The dialect whose contracts live in the namespace of <paramref name="contract"/>; null for a type that is no dialect's.</summary>
    public static IDialectOpenApi? For(this IEnumerable<IDialectOpenApi> dialects, Type contract)
    {
        var type = contract.IsGenericType ? contract.GetGenericTypeDefinition() : contract;
        return dialects.FirstOrDefault(d => d.GetType().Namespace == type.Namespace);
    }
}
