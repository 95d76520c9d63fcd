using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Durable;

/// <summary>The <see cref="DurableTaskClient"/> registered in the container (<c>AddDurableTaskClient</c>), resolved on first use.</summary>
public sealed class RegisteredDurableClient(IServiceProvider services) : IDurableClientProvider
{
    public DurableTaskClient Client => services.GetRequiredService<DurableTaskClient>();
}
