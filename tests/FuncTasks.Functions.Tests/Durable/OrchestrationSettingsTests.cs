using FuncTasks.Core.Engine;
using FuncTasks.Durable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FuncTasks.Functions.Tests.Durable;

/// <summary>Settings that would make every orchestration fail (a retry policy that throws, a cancel watcher that cannot tick) stop the host at start instead.</summary>
public sealed class OrchestrationSettingsTests
{
    private static OrchestrationOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("FuncTasks:Runner:" + s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddFuncTasksDurableRunner<RegisteredDurableClient>(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<OrchestrationOptions>>().Value;
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        var options = Bind();

        Assert.Equal(ActivityRetry.Default, options.ActivityRetry);
    }

    [Theory]
    [InlineData("ActivityFirstRetryInterval", "00:00:00", "ActivityFirstRetryInterval")]
    [InlineData("ActivityFirstRetryInterval", "00:05:00", "ActivityFirstRetryInterval")]
    [InlineData("ActivityMaxAttempts", "0", "ActivityMaxAttempts")]
    [InlineData("CancelCheckInterval", "00:00:00", "CancelCheckInterval")]
    [InlineData("ResumeTimeout", "-00:00:01", "ResumeTimeout")]
    public void A_setting_that_would_break_every_orchestration_is_refused_naming_it(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind((key, value)));

        Assert.Contains(named, error.Message);
    }
}
