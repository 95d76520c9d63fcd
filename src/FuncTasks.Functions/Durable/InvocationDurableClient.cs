using FuncTasks.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace FuncTasks.Functions.Durable;

/// <summary>
/// The Durable client of the current invocation. The Functions host hands a client to each function through its
/// <c>[DurableClient]</c> binding, while <see cref="DurableTaskRunner"/> is a singleton used by Core's commands:
/// every HTTP function runs its handler through <see cref="RunAsync"/>.
/// </summary>
public sealed class InvocationDurableClient : IDurableClientProvider
{
    private static readonly AsyncLocal<DurableTaskClient?> Current = new();

    public DurableTaskClient Client => Current.Value ?? throw new InvalidOperationException(
        "No Durable client in this invocation: the HTTP function must take a [DurableClient] parameter and call InvocationDurableClient.RunAsync.");

    /// <summary>Runs an HTTP function's handler with the Durable client bound to that invocation.</summary>
    public static async Task<IResult> RunAsync(DurableTaskClient client, Func<Task<IResult>> handler)
    {
        Current.Value = client;
        return await handler();
    }
}
