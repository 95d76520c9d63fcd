using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using FuncTasks.Api;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Engine;
using FuncTasks.Functions.Tests.Support;
using FuncTasks.LocalHost.Durable;
using FuncTasks.Storage;
using Microsoft.Extensions.Configuration;

namespace FuncTasks.Functions.Tests;

/// <summary>
/// host.json and local.settings.sample.json (repository root) parse and carry every setting the code reads:
/// the keys are found by reflecting over the options classes (each has a <c>Section</c> constant), so a new
/// option or options class fails here until the sample shows it.
/// </summary>
public sealed partial class SettingsTests
{
    /// <summary>Options classes the Functions app does not bind, and why.</summary>
    private static readonly Dictionary<Type, string> NotReadByTheFunctionsApp = new()
    {
        [typeof(RunnerOptions)] = "the queue runner's settings; the Functions app runs the Durable runner (OrchestrationOptions, same section)",
    };

    /// <summary>Settings read from another key than their options property.</summary>
    private static readonly Dictionary<string, string> ReadFrom = new(StringComparer.OrdinalIgnoreCase)
    {
        [$"{StorageOptions.Section}:{nameof(StorageOptions.ConnectionString)}"] = "AzureWebJobsStorage",
    };

    private static JsonElement HostJson() => JsonDocument.Parse(Repository.Read("host.json")).RootElement;

    private static JsonElement Sample() => JsonDocument.Parse(Repository.Read("local.settings.sample.json")).RootElement;

    private static Dictionary<string, string> SampleValues() =>
        Sample().GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);

    /// <summary>The options classes of FuncTasks.Core, .Storage and .Api: public classes with a <c>Section</c> constant under FuncTasks.</summary>
    public static IReadOnlyList<(Type Type, string Section)> OptionsClasses() =>
        new[] { typeof(EngineOptions).Assembly, typeof(StorageOptions).Assembly, typeof(FuncTasksApi).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && !t.IsAbstract)
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(o => o.Section?.StartsWith("FuncTasks:", StringComparison.Ordinal) == true)
            .Select(o => (o.Type, Section: o.Section!))
            .OrderBy(o => o.Section, StringComparer.Ordinal).ThenBy(o => o.Type.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The configuration keys (":"-separated, list items as index 0) an options class binds.</summary>
    public static IEnumerable<string> KeysOf(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            if (ElementOf(property.PropertyType) is { } element)
            {
                if (IsScalar(element))
                {
                    yield return key + ":0";
                }
                else
                {
                    foreach (var inner in KeysOf(element, key + ":0"))
                    {
                        yield return inner;
                    }
                }
            }
            else if (property.CanWrite && property.SetMethod!.IsPublic && IsScalar(property.PropertyType))
            {
                yield return ReadFrom.GetValueOrDefault(key, key);
            }
            else if (property.PropertyType.IsClass && property.PropertyType.Namespace?.StartsWith("FuncTasks", StringComparison.Ordinal) == true
                && IsAutoProperty(property))
            {
                // A nested section (e.g. FuncTasks:Storage:Retry) binds through its getter; a computed one (a getter that
                // builds a value from other settings, e.g. OrchestrationOptions.ActivityRetry) binds nothing.
                foreach (var inner in KeysOf(property.PropertyType, key))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>An auto-property (its value kept in a compiler-generated field), so the binder fills the object its getter returns.</summary>
    private static bool IsAutoProperty(PropertyInfo property) =>
        property.DeclaringType!.GetField($"<{property.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic) is not null;

    private static Type? ElementOf(Type type) =>
        type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid) || type == typeof(Uri);
    }

    private static string Env(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Every key the Functions app reads, in app-settings form (double underscores).</summary>
    private static IReadOnlyList<string> KeysTheAppReads() =>
        OptionsClasses().Where(o => !NotReadByTheFunctionsApp.ContainsKey(o.Type))
            .SelectMany(o => KeysOf(o.Type, o.Section))
            .Concat(HostJsonSettingNames())
            .Append("FUNCTIONS_WORKER_RUNTIME")
            .Select(Env)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>App settings host.json refers to: %NAME% placeholders and the Durable storage connection.</summary>
    private static IEnumerable<string> HostJsonSettingNames()
    {
        foreach (Match m in Placeholder().Matches(Repository.Read("host.json")))
        {
            yield return m.Groups[1].Value;
        }

        yield return HostJson().GetProperty("extensions").GetProperty("durableTask").GetProperty("storageProvider").GetProperty("connectionName").GetString()!;
    }

    [Fact]
    public void HostJson_routes_without_a_prefix_and_runs_Durable_on_the_task_hub_setting_and_AzureWebJobsStorage()
    {
        var host = HostJson();
        var extensions = host.GetProperty("extensions");
        var durable = extensions.GetProperty("durableTask");

        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.Equal(string.Empty, extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("%TASKHUB_NAME%", durable.GetProperty("hubName").GetString());
        Assert.Equal("AzureWebJobsStorage", durable.GetProperty("storageProvider").GetProperty("connectionName").GetString());
        Assert.Equal("NonRunningStates", durable.GetProperty("overridableExistingInstanceStates").GetString());
        Assert.False(host.TryGetProperty("extensionBundle", out _), "Isolated .NET apps take their extensions from packages, not a bundle.");
        Assert.True(host.GetProperty("logging").GetProperty("logLevel").TryGetProperty("default", out _));
    }

    [Fact]
    public void HostJson_lets_an_activity_run_a_step_for_its_whole_timeout()
    {
        var functionTimeout = TimeSpan.Parse(HostJson().GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var sampleStepTimeout = Bound<EngineOptions>(SampleValues()).StepTimeout;

        Assert.True(functionTimeout > new EngineOptions().StepTimeout, $"functionTimeout {functionTimeout} must exceed the default step timeout {new EngineOptions().StepTimeout}.");
        Assert.True(functionTimeout > sampleStepTimeout, $"functionTimeout {functionTimeout} must exceed the sample's step timeout {sampleStepTimeout}.");
    }

    [Fact]
    public void The_Functions_project_links_the_root_hostJson()
    {
        var project = Repository.Read("src/FuncTasks.Functions/FuncTasks.Functions.csproj");

        Assert.Matches(@"<None\s+Include=""\.\.[\\/]\.\.[\\/]host\.json""\s+Link=""host\.json""", project);
        Assert.False(File.Exists(Repository.PathOf("src/FuncTasks.Functions/host.json")), "One host.json, at the repository root.");
    }

    [Fact]
    public void The_sample_runs_the_isolated_worker_on_Azurite_with_the_Durable_runner()
    {
        var sample = Sample();
        var values = SampleValues();

        Assert.False(sample.GetProperty("IsEncrypted").GetBoolean());
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("Durable", values[Env($"{OrchestrationOptions.Section}:{nameof(OrchestrationOptions.Kind)}")]);
        Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,44}$", values["TASKHUB_NAME"]);
    }

    [Fact]
    public void The_sample_sets_every_setting_the_code_binds()
    {
        var values = SampleValues();

        var missing = KeysTheAppReads().Where(k => !values.ContainsKey(k)).ToList();

        Assert.True(missing.Count == 0, $"local.settings.sample.json lacks: {string.Join(", ", missing)}");
        Assert.Contains("FuncTasks__Auth__Keys__0__Secret", KeysTheAppReads());
        Assert.Contains("FuncTasks__Engine__StepTimeout", KeysTheAppReads());
        Assert.Contains("TASKHUB_NAME", KeysTheAppReads());
    }

    [Fact]
    public void The_sample_has_no_FuncTasks_setting_the_code_does_not_read()
    {
        var read = KeysTheAppReads().ToHashSet(StringComparer.Ordinal);

        var unknown = SampleValues().Keys
            .Where(k => k.StartsWith("FuncTasks__", StringComparison.Ordinal))
            .Where(k => !read.Contains(ListIndex().Replace(k, "__0${end}")))
            .ToList();

        Assert.True(unknown.Count == 0, $"local.settings.sample.json sets what no options class binds (a typo?): {string.Join(", ", unknown)}");
    }

    /// <summary>
    /// FuncTasks:Runner:Durable (<see cref="DurableEngineOptions"/>, in FuncTasks.LocalHost) configures the LocalHost's own
    /// Durable engine (the Azure Storage backend behind its in-process sidecar). In Azure Functions the host runs the Durable
    /// engine itself, configured by host.json (extensions.durableTask: hub, storage connection), so the Functions app binds
    /// none of these keys: <see cref="OptionsClasses"/> scans Core, Storage and Api only (not the LocalHost), and the sample
    /// must not set them either (<see cref="The_sample_has_no_FuncTasks_setting_the_code_does_not_read"/> refuses them).
    /// </summary>
    [Fact]
    public void The_LocalHosts_Durable_engine_settings_are_not_read_by_the_Functions_app_nor_set_in_its_sample()
    {
        var prefix = Env(DurableEngineOptions.Section) + "__";

        Assert.StartsWith(OrchestrationOptions.Section + ":", DurableEngineOptions.Section, StringComparison.Ordinal);
        Assert.NotEmpty(KeysOf(typeof(DurableEngineOptions), DurableEngineOptions.Section));
        Assert.DoesNotContain(OptionsClasses(), o => o.Type == typeof(DurableEngineOptions));
        Assert.DoesNotContain(KeysTheAppReads(), k => k.StartsWith(prefix, StringComparison.Ordinal));
        Assert.DoesNotContain(SampleValues().Keys, k => k.StartsWith(prefix, StringComparison.Ordinal));
        Assert.DoesNotContain("TaskHub", HostJson().GetProperty("extensions").GetProperty("durableTask").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_binds_to_the_options_the_code_uses_and_keeps_placeholder_secrets()
    {
        var values = SampleValues();

        var engine = Bound<EngineOptions>(values);
        var runner = Bound<OrchestrationOptions>(values);
        var auth = Bound<AuthOptions>(values);
        var http = Bound<HttpActionOptions>(values);

        Assert.True(runner.IsDurable);
        Assert.True(runner.ResumeTimeout >= TimeSpan.FromDays(1), "A failed task should stay resumable for days.");
        Assert.InRange(engine.MaxSteps, 1, 99);
        Assert.NotEmpty(http.AllowedHosts);
        Assert.Contains(auth.Keys, k => ApiKeyAuthenticator.ParseRole(k.Role) == KeyRole.Operator);
        Assert.All(auth.Keys, k =>
        {
            Assert.NotNull(ApiKeyAuthenticator.ParseRole(k.Role));
            Assert.StartsWith("replace-", k.Secret, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Reflection_finds_the_keys_of_scalars_lists_and_lists_of_objects()
    {
        Assert.Equal(
            new[] { "FuncTasks:Auth:Keys:0:Name", "FuncTasks:Auth:Keys:0:Secret", "FuncTasks:Auth:Keys:0:Role" },
            KeysOf(typeof(AuthOptions), AuthOptions.Section));
        Assert.Contains("FuncTasks:Http:AllowedHosts:0", KeysOf(typeof(HttpActionOptions), HttpActionOptions.Section));
        Assert.DoesNotContain(KeysOf(typeof(HttpActionOptions), HttpActionOptions.Section), k => k.Contains("DefaultAllowedHosts", StringComparison.Ordinal));
        Assert.Contains("AzureWebJobsStorage", KeysOf(typeof(StorageOptions), StorageOptions.Section));
        Assert.DoesNotContain(KeysOf(typeof(StorageOptions), StorageOptions.Section), k => k.EndsWith("TasksTable", StringComparison.Ordinal));
        Assert.DoesNotContain(KeysOf(typeof(OrchestrationOptions), OrchestrationOptions.Section), k => k.EndsWith("IsDurable", StringComparison.Ordinal));
        Assert.Contains(OptionsClasses(), o => o.Type == typeof(OrchestrationOptions));
        Assert.Equal(["Sample:Bound:Value", "Sample:Count"], KeysOf(typeof(SampleOptions), "Sample"));
    }

    public sealed class SampleOptions
    {
        public SampleSection Bound { get; } = new();

        public SampleSection Computed => new() { Value = Count };

        public int Count { get; set; }
    }

    public sealed class SampleSection
    {
        public int Value { get; set; }
    }

    private static T Bound<T>(Dictionary<string, string> values) where T : new()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value)))
            .Build();
        var section = (string)typeof(T).GetField("Section")!.GetRawConstantValue()!;
        var options = new T();
        configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = false);
        return options;
    }

    [GeneratedRegex("%([A-Za-z0-9_]+)%")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"__\d+(?<end>__|$)")]
    private static partial Regex ListIndex();
}
