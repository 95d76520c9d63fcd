using System.Net;
using System.Reflection;
using System.Reflection.Emit;
using System.Security.Cryptography;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>Keys are compared in constant time and never appear in a response, a log line or an exception text.</summary>
public sealed class SecretsTests
{
    [Fact]
    public void Keys_are_compared_with_FixedTimeEquals_over_fixed_length_hashes_and_never_with_string_equality()
    {
        var called = CalledMethods(typeof(ApiKeyAuthenticator).GetMethod(nameof(ApiKeyAuthenticator.Authenticate))!);

        Assert.Contains(called, m => m.DeclaringType == typeof(CryptographicOperations) && m.Name == nameof(CryptographicOperations.FixedTimeEquals));
        Assert.Contains(called, m => m.DeclaringType == typeof(SHA256) && m.Name == nameof(SHA256.HashData));
        Assert.DoesNotContain(called, m => m.DeclaringType == typeof(string) && m.Name is "Equals" or "op_Equality" or "CompareOrdinal" or "Compare");
        Assert.DoesNotContain(called, m => m.Name is "SequenceEqual");
    }

    [Fact]
    public async Task No_key_secret_or_storage_key_shows_in_responses_or_logs_whatever_the_request()
    {
        var logs = new CapturedLogs();
        await using var app = new FuncTasksApp(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        var wrong = "wrong-secret-" + Guid.NewGuid().ToString("N");
        var bodies = new List<string>();
        foreach (var client in new[] { app.Operator(), app.Reader(), app.Client(wrong) })
        {
            foreach (var path in new[] { "/v1/tasks", "/v1/tasks/not-a-guid", "/v1/jobs", "/tasks/x", "/api/v1/processes/x" })
            {
                var response = await client.GetAsync(path);
                bodies.Add(await response.Content.ReadAsStringAsync() + string.Join(' ', response.Headers.Select(h => h.Key + ":" + string.Join(',', h.Value))));
            }

            var post = await client.PostAsync("/v1/tasks", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
            bodies.Add(await post.Content.ReadAsStringAsync());
        }

        Assert.NotEmpty(logs.Entries);
        var everything = string.Join('\n', bodies.Concat(logs.Entries.Select(e => $"{e.Category} {e.Message} {e.Exception}")));
        foreach (var secret in new[] { FuncTasksApp.OperatorKey, FuncTasksApp.ReaderKey, wrong, Azurite.AccountKey })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    private static List<MethodBase> CalledMethods(MethodInfo method)
    {
        var il = method.GetMethodBody()!.GetILAsByteArray()!;
        var module = method.Module;
        var called = new List<MethodBase>();
        for (var i = 0; i < il.Length - 4; i++)
        {
            if ((il[i] == OpCodes.Call.Value || il[i] == OpCodes.Callvirt.Value) && TryResolve(module, BitConverter.ToInt32(il, i + 1)) is { } target)
            {
                called.Add(target);
            }
        }

        return called;
    }

    private static MethodBase? TryResolve(Module module, int token)
    {
        try
        {
            return module.ResolveMethod(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
