using Microsoft.DurableTask.Client;

namespace FuncTasks.Durable;

/// <summary>
/// Where <see cref="DurableTaskRunner"/> gets its client: the LocalHost has one for the process
/// (<see cref="RegisteredDurableClient"/>); the Functions app gets one per invocation from its <c>[DurableClient]</c> binding.
/// </summary>
public interface IDurableClientProvider
{
    DurableTaskClient Client { get; }
}
