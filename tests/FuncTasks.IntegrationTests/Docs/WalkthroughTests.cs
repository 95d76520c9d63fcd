namespace FuncTasks.IntegrationTests.Docs;

/// <summary>
/// The README's walkthrough, run as written (bash, curl, jq, python3) against a real LocalHost process on each runner, so
/// that a README that drifts from the API fails the build.
/// </summary>
public sealed class WalkthroughTests
{
    [Theory]
    [InlineData("Queue")]
    [InlineData("Durable")]
    public async Task The_README_walkthrough_runs_green_against_a_LocalHost(string runner)
    {
        var output = await DocScript.RunAsync(runner, "walk", DocScript.Block("README.md", "## Walkthrough"), TimeSpan.FromSeconds(120));
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
