using System.Diagnostics;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Docs;

/// <summary>
/// Runs a ```bash block of a docs page as written (bash, curl, jq, python3) against a real LocalHost process on the given
/// runner, with <c>URL</c>, <c>KEY</c> and a free <c>TARGET</c> port in its environment.
/// </summary>
public static class DocScript
{
    /// <summary>The first ```bash block after the <paramref name="heading"/> line of <paramref name="page"/> (a path under the repository).</summary>
    public static string Block(string page, string heading)
    {
        var text = File.ReadAllText(System.IO.Path.Combine(RepoRoot.Path, page));
        var section = text.IndexOf("\n" + heading, StringComparison.Ordinal);
        Assert.True(section >= 0, $"{page} has no '{heading}' section.");
        var start = text.IndexOf("```bash\n", section, StringComparison.Ordinal) + "```bash\n".Length;
        var end = text.IndexOf("\n```", start, StringComparison.Ordinal);
        Assert.True(start > section && end > start, $"The '{heading}' section of {page} has no ```bash block.");
        return text[start..end];
    }

    /// <summary>Runs <paramref name="script"/> and returns its standard output; fails the test when it fails or outlasts <paramref name="timeout"/>.</summary>
    /// <param name="prefix">Names the host's tables, queue and task hub (with a random suffix).</param>
    public static async Task<string> RunAsync(string runner, string prefix, string script, TimeSpan timeout)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string?>
        {
            ["FuncTasks:Runner:Kind"] = runner,
            ["FuncTasks:Runner:Durable:TaskHub"] = prefix + id,
            ["FuncTasks:Runner:Durable:PartitionCount"] = "1",
            ["FuncTasks:Runner:Durable:MaxQueuePollingInterval"] = "00:00:00.200",
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = prefix + id,
            ["FuncTasks:Storage:QueueName"] = prefix + id,
            ["FuncTasks:Runner:MaxPollInterval"] = "00:00:00.200",
            ["FuncTasks:Auth:Keys:0:Name"] = "op",
            ["FuncTasks:Auth:Keys:0:Secret"] = FuncTasksApp.OperatorKey,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
        });
        var work = Directory.CreateTempSubdirectory("functasks-" + prefix);
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = work.FullName,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("set -euo pipefail\n" + script);
        info.Environment["URL"] = host.Url;
        info.Environment["KEY"] = FuncTasksApp.OperatorKey;
        info.Environment["TARGET"] = Loopback.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var bash = Process.Start(info)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(timeout))
        {
            try
            {
                await bash.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                bash.Kill(entireProcessTree: true);
                Assert.Fail($"The script did not finish in {timeout.TotalSeconds:F0} s:\n{await stdout}\n{await stderr}");
            }
        }

        var output = await stdout;
        var errors = await stderr;
        work.Delete(recursive: true);
        Assert.True(bash.ExitCode == 0, $"The script failed ({bash.ExitCode}):\n{output}\n{errors}\nLocalHost:\n{host.Output}");
        return output;
    }
}
