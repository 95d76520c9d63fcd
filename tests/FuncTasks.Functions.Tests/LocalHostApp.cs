using FuncTasks.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FuncTasks.Functions.Tests;

/// <summary>
/// The LocalHost's real Program, started in memory only to read the endpoints it maps: its hosted services
/// that reach storage (table creation, queue workers) are left out, so no storage is needed.
/// </summary>
public sealed class LocalHostApp : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        builder.UseSetting("FuncTasks:Runner:Enabled", "false");
        builder.ConfigureTestServices(services =>
        {
            foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService) && IsFuncTasks(d)).ToList())
            {
                services.Remove(hosted);
            }
        });
    }

    public IReadOnlyList<RouteEndpoint> Endpoints() =>
        Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static bool IsFuncTasks(ServiceDescriptor descriptor)
    {
        var type = descriptor.ImplementationType ?? descriptor.ImplementationInstance?.GetType() ?? descriptor.ImplementationFactory?.Method.DeclaringType;
        return type?.Assembly.GetName().Name?.StartsWith("FuncTasks.", StringComparison.Ordinal) == true
            || type == typeof(StorageInitializer);
    }
}
