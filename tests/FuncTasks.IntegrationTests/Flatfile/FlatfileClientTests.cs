using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Flatfile;

/// <summary>
/// Flatfile's own published client (@flatfile/api from npm) pointed at a real LocalHost on a loopback port:
/// an existing Flatfile client works unchanged. The script (flatfile-client.mjs) checks every response against
/// the client's schemas and prints what it got.
/// </summary>
public sealed class FlatfileClientTests : IAsyncLifetime
{
    private readonly FuncTasksApp _settings = new();
    private LocalHostProcess _host = null!;

    public async Task InitializeAsync() => _host = await LocalHostProcess.StartAsync(_settings.Settings);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _settings.DisposeAsync();
    }

    [Fact]
    public async Task Flatfiles_npm_client_creates_acks_fails_retries_completes_splits_and_lists_jobs()
    {
        var (exitCode, stdout, stderr) = await RunNodeAsync(Path.Combine(ThisFolder(), "flatfile-client.mjs"), _host.Url, FuncTasksApp.OperatorKey);

        Assert.True(exitCode == 0, $"node exited with {exitCode}.\nstderr: {stderr}\nstdout: {stdout}\nhost: {_host.Output}");
        var r = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!.AsObject();

        var created = r["created"]!["data"]!;
        var id = created["id"].Str();
        Assert.Equal("ready", created["status"].Str());
        Assert.Equal("workbook", created["type"].Str());
        Assert.Equal("contacts", created["config"]!["sheet"].Str());
        Assert.Equal("flatfile-client", created["metadata"]!["by"].Str());
        Assert.Equal("test-operator", created["createdBy"].Str());
        Assert.Equal(id, r["got"]!["data"]!["id"].Str());

        // Without the one-place fix (docs/jobs-api.md), the package's default client fails before sending anything.
        Assert.Equal("FlatfileError", r["withoutFix"]!["type"].Str());
        Assert.Equal("fetch failed", r["withoutFix"]!["message"].Str());
        Assert.Null(r["withoutFix"]!["statusCode"]);

        Assert.Equal("executing", r["acked"]!["data"]!["status"].Str());
        Assert.Equal(30, r["acked"]!["data"]!["progress"]!.GetValue<int>());
        Assert.Equal("working", r["acked"]!["data"]!["info"].Str());
        Assert.Equal("2030-01-01T00:00:00.000Z", r["acked"]!["data"]!["estimatedCompletionAt"].Str());

        Assert.Equal("failed", r["failed"]!["data"]!["status"].Str());
        Assert.Equal("row 7 is bad", r["failed"]!["data"]!["outcome"]!["message"].Str());
        Assert.NotNull(r["failed"]!["data"]!["finishedAt"]);

        Assert.Equal("ready", r["retried"]!["data"]!["status"].Str());
        Assert.Null(r["retried"]!["data"]!["outcome"]);
        Assert.Equal("executing", r["reacked"]!["data"]!["status"].Str());
        Assert.Equal(60, r["reacked"]!["data"]!["progress"]!.GetValue<int>());

        Assert.Equal("complete", r["completed"]!["data"]!["status"].Str());
        Assert.Equal(100, r["completed"]!["data"]!["progress"]!.GetValue<int>());
        Assert.Equal("3 rows submitted", r["completed"]!["data"]!["outcome"]!["message"].Str());
        Assert.NotNull(r["outcomeAcked"]!["data"]!["outcomeAcknowledgedAt"]);

        Assert.Equal(400, r["retryOfComplete"]!["statusCode"]!.GetValue<int>());
        Assert.Equal("Job can not be retried: it is complete. Only a failed job can be retried.", r["retryOfComplete"]!["body"]!["errors"]![0]!["message"].Str());
        Assert.Equal(404, r["notFound"]!["statusCode"]!.GetValue<int>());

        Assert.Equal("created", r["manual"]!["data"]!["status"].Str());
        Assert.True(r["executed"]!["data"]!["success"]!.GetValue<bool>());
        Assert.Equal("ready", r["afterExecute"]!["data"]!["status"].Str());
        Assert.Empty(r["plan"]!["data"]!["plan"]!["fieldMapping"]!.AsArray());
        Assert.Equal(r["manual"]!["data"]!["id"].Str(), r["plan"]!["data"]!["job"]!["id"].Str());

        Assert.Equal("executing", r["split"]!["data"]!["status"].Str());
        var parts = r["parts"]!;
        Assert.Equal(2, parts["pagination"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(1, parts["pagination"]!["currentPage"]!.GetValue<int>());
        Assert.Equal([1, 2], parts["data"]!.AsArray().Select(p => p!["part"]!.GetValue<int>()));
        Assert.All(parts["data"]!.AsArray(), p => Assert.Equal(r["manual"]!["data"]!["id"].Str(), p!["parentId"].Str()));
        Assert.All(parts["data"]!.AsArray(), p => Assert.Equal("ready", p!["status"].Str()));
        Assert.Equal([id], r["topLevel"]!["data"]!.AsArray().Select(j => j!["id"].Str()));

        Assert.Equal("canceled", r["canceled"]!["data"]!["status"].Str());
        Assert.Equal("no longer needed", r["canceled"]!["data"]!["info"].Str());
        Assert.True(r["deleted"]!["data"]!["success"]!.GetValue<bool>());
        Assert.Equal(404, r["deletedGet"]!["statusCode"]!.GetValue<int>());
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(string script, string url, string token)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        info.ArgumentList.Add(script);
        info.Environment["FUNCTASKS_URL"] = url;
        info.Environment["FUNCTASKS_TOKEN"] = token;
        info.Environment.Remove("FLATFILE_API_URL");
        info.Environment.Remove("FLATFILE_BEARER_TOKEN");

        using var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The Flatfile client script did not finish in 2 minutes.\nstdout: {await stdout}\nstderr: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The folder of this source file (where the script lives; node finds @flatfile/api in the repository's node_modules).</summary>
    private static string ThisFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
