using System.Diagnostics;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Docs;

/// <summary>docs/retries.md's "Try it" block, run as written against a real LocalHost process on each runner.</summary>
public sealed class RetriesDocTests
{
    private static string Script()
    {
        var page = File.ReadAllText(System.IO.Path.Combine(RepoRoot.Path, "docs", "retries.md"));
        var section = page.IndexOf("\n## Try it", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/retries.md has no '## Try it' section.");
        var start = page.IndexOf("```bash\n", section, StringComparison.Ordinal) + "```bash\n".Length;
        var end = page.IndexOf("\n```", start, StringComparison.Ordinal);
        Assert.True(start > section && end > start, "The 'Try it' section has no ```bash block.");
        return page[start..end];
    }

    [Theory]
    [InlineData("Queue")]
    [InlineData("Durable")]
    public async Task The_retries_page_examples_run_green_against_a_LocalHost(string runner)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string?>
        {
            ["FuncTasks:Runner:Kind"] = runner,
            ["FuncTasks:Runner:Durable:TaskHub"] = "retr" + id,
            ["FuncTasks:Runner:Durable:PartitionCount"] = "1",
            ["FuncTasks:Runner:Durable:MaxQueuePollingInterval"] = "00:00:00.200",
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["FuncTasks:Storage:TablePrefix"] = "retr" + id,
            ["FuncTasks:Storage:QueueName"] = "retr" + id,
            ["FuncTasks:Runner:MaxPollInterval"] = "00:00:00.200",
            ["FuncTasks:Auth:Keys:0:Name"] = "op",
            ["FuncTasks:Auth:Keys:0:Secret"] = FuncTasksApp.OperatorKey,
            ["FuncTasks:Auth:Keys:0:Role"] = "operator",
        });
        var work = Directory.CreateTempSubdirectory("functasks-retries");
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = work.FullName,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("set -euo pipefail\n" + Script());
        info.Environment["URL"] = host.Url;
        info.Environment["KEY"] = FuncTasksApp.OperatorKey;
        info.Environment["TARGET"] = Loopback.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var bash = Process.Start(info)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150)))
        {
            try
            {
                await bash.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                bash.Kill(entireProcessTree: true);
                Assert.Fail($"The examples did not finish in 150 s:\n{await stdout}\n{await stderr}");
            }
        }

        var output = await stdout;
        var errors = await stderr;
        work.Delete(recursive: true);
        Assert.True(bash.ExitCode == 0, $"The examples failed ({bash.ExitCode}):\n{output}\n{errors}\nLocalHost:\n{host.Output}");
        Assert.Contains("""{"status":"IN_PROGRESS","step":"IN_PROGRESS","retry":5,"waiting":true}""", output);
        Assert.Contains(" is SUCCESSFUL", output);
        Assert.Matches("""\["FAILED",("FAILED",)*"COMPLETED"\]""", output);
        Assert.Contains("""{"maxAttempts":3,"intervalSeconds":1,"backoffRate":2,"maxIntervalSeconds":60}""", output);
        Assert.Contains(" is COMPLETED", output);
        Assert.Contains(" is complete", output);
        Assert.Contains("steps[0].retry.maxAttempts", output);
        Assert.Contains("POST /v1/tasks -> 400", output);
        Assert.Contains("did not finish within 1 s", output);
    }
}
