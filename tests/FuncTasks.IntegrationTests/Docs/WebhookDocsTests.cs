using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using FuncTasks.Core.Model;
using FuncTasks.Core.Notifications;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Docs;

/// <summary>docs/webhooks.md as written: its C# verifier is this project's <see cref="WebhookVerifier"/>, its Node.js verifier runs under node, and every sample payload is a CloudEvent of the type it documents.</summary>
public sealed class WebhookDocsTests
{
    private static string Doc => File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "webhooks.md"));

    private static List<string> Blocks(string language)
    {
        var blocks = new List<string>();
        var fence = "```" + language + "\n";
        for (var start = Doc.IndexOf(fence, StringComparison.Ordinal); start >= 0; start = Doc.IndexOf(fence, start, StringComparison.Ordinal))
        {
            start += fence.Length;
            var end = Doc.IndexOf("\n```", start, StringComparison.Ordinal);
            blocks.Add(Doc[start..end]);
            start = end;
        }

        return blocks;
    }

    /// <summary>A delivery as FuncTasks signs it.</summary>
    private static (string Secret, string Id, string Timestamp, string Signature, byte[] Body) Signed()
    {
        var secret = WebhookSignature.NewSecret();
        var taskId = TaskIds.NewTaskId(TimeProvider.System);
        var notification = new NotificationEvent(NotificationEvents.EventId(taskId, 60), NotificationEventTypes.TaskFailed, 60, DateTimeOffset.UtcNow,
            new NotificationData { TaskId = taskId.ToString(), TaskName = "deploy", TaskType = "SITE_DEPLOY", Status = "Failed", Actor = "engine", Sequence = 6 });
        var (body, _) = WebhookEnvelope.Encode(notification, "/functasks");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return (secret, notification.Id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            WebhookSignature.Sign(secret, notification.Id, timestamp, body), body);
    }

    [Fact]
    public void The_CSharp_verifier_in_the_docs_is_the_one_compiled_here_and_accepts_a_FuncTasks_signature()
    {
        var source = File.ReadAllText(Path.Combine(RepoRoot.Path, "tests", "FuncTasks.IntegrationTests", "Docs", "WebhookVerifier.cs"))
            .Replace("namespace FuncTasks.IntegrationTests.Docs;\n\n", string.Empty, StringComparison.Ordinal).Trim();
        Assert.Contains(source, Blocks("csharp"));

        var (secret, id, timestamp, signature, body) = Signed();
        Assert.True(WebhookVerifier.Verify(secret, id, timestamp, signature, body, DateTimeOffset.UtcNow));
        Assert.False(WebhookVerifier.Verify(secret, id, timestamp, signature, [.. body, (byte)' '], DateTimeOffset.UtcNow));
        Assert.False(WebhookVerifier.Verify(secret, id, timestamp, signature, body, DateTimeOffset.UtcNow.AddMinutes(10)));
    }

    [Fact]
    public async Task The_NodeJs_verifier_in_the_docs_accepts_a_FuncTasks_signature_and_refuses_a_changed_body()
    {
        var verifier = Assert.Single(Blocks("js"));
        var work = Directory.CreateTempSubdirectory("functasks-webhook-docs");
        await File.WriteAllTextAsync(Path.Combine(work.FullName, "verify.mjs"), verifier);
        await File.WriteAllTextAsync(Path.Combine(work.FullName, "run.mjs"), """
            import { verify } from "./verify.mjs";
            const e = process.env;
            const body = Buffer.from(e.BODY_B64, "base64");
            console.log(verify(e.SECRET, e.ID, e.TS, e.SIG, body), verify(e.SECRET, e.ID, e.TS, e.SIG, Buffer.concat([body, Buffer.from(" ")])));
            """);
        var (secret, id, timestamp, signature, body) = Signed();
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work.FullName };
        info.ArgumentList.Add("run.mjs");
        info.Environment["SECRET"] = secret;
        info.Environment["ID"] = id;
        info.Environment["TS"] = timestamp;
        info.Environment["SIG"] = signature;
        info.Environment["BODY_B64"] = Convert.ToBase64String(body);
        using var node = Process.Start(info)!;
        var stdout = await node.StandardOutput.ReadToEndAsync();
        var stderr = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, stderr);
        Assert.Equal("true false", stdout.Trim());
    }

    [Fact]
    public void Every_event_type_has_a_sample_CloudEvent_of_that_type()
    {
        var samples = Blocks("json").Select(b => JsonNode.Parse(b)!.AsObject()).ToList();
        foreach (var type in NotificationEventTypes.All)
        {
            Assert.Contains($"### `{type}`", Doc, StringComparison.Ordinal);
            var sample = Assert.Single(samples, s => (string?)s["type"] == NotificationEventTypes.TypePrefix + type);
            Assert.Equal("1.0", (string?)sample["specversion"]);
            Assert.Equal((string?)sample["subject"], (string?)sample["data"]!["taskId"]);
            Assert.NotNull(sample["data"]!["actor"]);
        }
    }
}
