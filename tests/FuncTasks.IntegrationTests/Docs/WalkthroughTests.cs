using System.Diagnostics;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Docs;

/// <summary>
/// The README's walkthrough, run as written (bash, curl, jq, python3) against a real LocalHost process on each runner, so
/// that a README that drifts from the API fails the build.
/// </summary>
public sealed class WalkthroughTests
{
    private static string WalkthroughScript()
    {
        var readme = File.ReadAllText(System.IO.Path.Combine(RepoRoot.Path, "README.md"));
        var section = readme.IndexOf("\n## Walkthrough", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Walkthrough' section.");
        var start = readme.IndexOf("```bash\n", section, StringComparison.Ordinal) + "```bash\n".Length;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        Assert.True(start > section && end > start, "The walkthrough has no ```bash block.");
        return readme[start..end];
    }

    [Theory]
    [InlineData("Queue")]
    [InlineData("Durable")]
    public async Task The_README_walkthrough_runs_green_against_a_LocalHost(string runner)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string?>
        {
            ["FuncTasks:Runner:Kind"] = runner,
            ["FuncTasks:Runner:Durable:TaskHub"] = "walk" + id,
            ["FuncTasks:Runner:Durable:PartitionCount"] = "1",
            ["FuncTasks:Runner:Durable:MaxQueuePollingInterval"] = "00:00:00.200",
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = "walk" + id,
            ["FuncTasks:Storage:QueueName"] = "walk" + id,
            ["FuncTasks:Runner:MaxPollInterval"] = "00:00:00.200",
            ["FuncTasks:Auth:Keys:0:Name"] = "op",
            ["FuncTasks:Auth:Keys:0:Secret"] = FuncTasksApp.OperatorKey,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
        });
        var work = Directory.CreateTempSubdirectory("functasks-walkthrough");
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = work.FullName,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("set -euo pipefail\n" + WalkthroughScript());
        info.Environment["URL"] = host.Url;
        info.Environment["KEY"] = FuncTasksApp.OperatorKey;
        info.Environment["TARGET"] = Loopback.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var bash = Process.Start(info)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            try
            {
                await bash.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                bash.Kill(entireProcessTree: true);
                Assert.Fail($"The walkthrough did not finish in 120 s:\n{await stdout}\n{await stderr}");
            }
        }

        var output = await stdout;
        var errors = await stderr;
        work.Delete(recursive: true);
        Assert.True(bash.ExitCode == 0, $"The walkthrough failed ({bash.ExitCode}):\n{output}\n{errors}\nLocalHost:\n{host.Output}");
        Assert.Equal(2, CountOf(output, "is FAILED"));
        Assert.Equal(2, CountOf(output, "is SUCCESSFUL"));
        Assert.Contains("is CANCELLED", output);
        Assert.Contains("\"steps\":[\"SUCCESSFUL\",\"FAILED\"]", output);
        Assert.Contains("PATCH /v1/tasks/{id} -> 200", output);
        Assert.Contains("POST restart-failed-step -> 200", output);
        Assert.Contains("DELETE /v1/tasks/{id} -> 200", output);
        Assert.Contains("DELETE again -> 409", output);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
