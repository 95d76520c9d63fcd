namespace FuncTasks.IntegrationTests.Docs;

/// <summary>docs/retries.md's "Try it" block, run as written against a real LocalHost process on each runner.</summary>
public sealed class RetriesDocTests
{
    [Theory]
    [InlineData("Queue")]
    [InlineData("Durable")]
    public async Task The_retries_page_examples_run_green_against_a_LocalHost(string runner)
    {
        var output = await DocScript.RunAsync(runner, "retr", DocScript.Block("docs/retries.md", "## Try it"), TimeSpan.FromSeconds(150));
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
