using System.Collections.Concurrent;
using System.Diagnostics;

namespace FuncTasks.Testing;

/// <summary>
/// The processes a test run or the bench started (Azurite, LocalHosts): each is ended by its id when the run ends, however
/// it ends (normal exit, Ctrl+C), so that no Azurite or LocalHost outlives the run that started it.
/// </summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Started = new();

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    /// <summary>Remembers <paramref name="process"/> so that it is killed (with its children) when this process ends.</summary>
    public static void Track(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        Started[process.Id] = process;
    }

    /// <summary>Forgets <paramref name="process"/> (it ended, or its owner ends it).</summary>
    public static void Forget(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        Started.TryRemove(process.Id, out _);
    }

    /// <summary>Kills <paramref name="process"/> and its children at once (SIGKILL) and waits (up to 10 s) for it to exit; then disposes it.</summary>
    public static async Task StopAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        Forget(process);
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
            // It was never started, or has been disposed.
        }
        catch (TimeoutException)
        {
            // Killed, not yet reaped: nothing more can be done here.
        }

        process.Dispose();
    }

    /// <summary>Sends SIGTERM to <paramref name="process"/> (a graceful stop: Azurite saves its data and closes its ports).</summary>
    public static async Task TerminateAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var info = new ProcessStartInfo("kill") { UseShellExecute = false };
        info.ArgumentList.Add("-TERM");
        info.ArgumentList.Add(process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(info) ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync();
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
