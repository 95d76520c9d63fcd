using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace FuncTasks.Functions;

/// <summary>The Functions worker's entry point (in a namespace, so that the tests can reference both hosts).</summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddFuncTasksFunctions(builder.Configuration);
        builder.Build().Run();
    }
}
