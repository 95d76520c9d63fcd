using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FuncTasks.Bench.Infrastructure;

/// <summary>The processes this bench started (Azurite, LocalHosts): stopped by id when the bench ends, however it ends.</summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Started = new();

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    public static void Track(Process process) => Started[process.Id] = process;

    public static async Task StopAsync(Process process)
    {
        Started.TryRemove(process.Id, out _);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (TimeoutException)
        {
        }

        process.Dispose();
    }

    private static void KillAll()
    {
        foreach (var process in Started.Values)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}

/// <summary>Invariant culture, short.</summary>
public static class Inv
{
    public static readonly CultureInfo C = CultureInfo.InvariantCulture;
}
