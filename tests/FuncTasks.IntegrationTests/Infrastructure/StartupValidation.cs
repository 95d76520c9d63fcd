using FuncTasks.Api;
using FuncTasks.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>
/// What the host checks before it starts serving (every <c>ValidateOnStart</c> option), run on the LocalHost's own
/// registrations without starting a host: the exception that would stop it, or null.
/// </summary>
public static class StartupValidation
{
    public static Exception? Refusal(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddFuncTasks(configuration).AddFuncTasksTableStorage(configuration);
        using var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return null;
        }
        catch (Exception refused) when (refused is OptionsValidationException or AggregateException)
        {
            // Several failing options come together as an AggregateException.
            return refused;
        }
    }
}
