using System.Net;
using System.Text;
using CloudNative.CloudEvents.SystemTextJson;
using FuncTasks.Core.Notifications;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Notifications;

/// <summary>Webhooks end to end on real Azurite, on the runner of this test run (queue, or Durable with FUNCTASKS_TEST_RUNNER=Durable).</summary>
public sealed class WebhookDeliveryTests : AppTest, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public WebhookDeliveryTests() : base(new FuncTasksApp(SubscriptionTestApi.FastSettings()))
    {
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        _receiver = await WebhookReceiver.StartAsync();
        Target.Respond("boom", 500, "broken");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await DisposeAsync();
    }

    [Fact]
    public async Task A_failed_task_sends_task_failed_as_a_signed_CloudEvent_after_its_earlier_events()
    {
        var subscription = await Client.SubscribeAsync(_receiver.Url("hook"));
        var secret = subscription["secret"].Str();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var task = await Client.CreateTaskAsync(SubscriptionTestApi.FailingTask(Target));
        var id = task["id"].Str();
        await Client.WaitForStatusAsync(id, "FAILED");

        var calls = await _receiver.WaitForAsync("hook", c => c.Any(r => r.Type == "functasks.task.failed"));
        Assert.Equal(
            ["functasks.task.created", "functasks.task.started", "functasks.step.started", "functasks.step.failed", "functasks.task.failed"],
            calls.Select(c => c.Type).ToArray());
        Assert.All(calls, c => Assert.Equal(id, c.Subject));

        var failed = calls[^1];
        Assert.StartsWith("application/cloudevents+json", failed.ContentType, StringComparison.Ordinal);
        var timestamp = long.Parse(failed.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp, -5, 120);
        Assert.True(WebhookSignature.Verify(secret, failed.Id, timestamp, Encoding.UTF8.GetBytes(failed.Body), failed.Headers["webhook-signature"]),
            "The webhook-signature does not verify with the subscription's secret.");
        Assert.False(WebhookSignature.Verify(secret, failed.Id, timestamp + 1, Encoding.UTF8.GetBytes(failed.Body), failed.Headers["webhook-signature"]));

        // A CloudEvent as the CloudEvents SDK reads it.
        var cloudEvent = new JsonEventFormatter().DecodeStructuredModeMessage(Encoding.UTF8.GetBytes(failed.Body), new System.Net.Mime.ContentType("application/cloudevents+json"), null);
        Assert.Equal("functasks.task.failed", cloudEvent.Type);
        Assert.Equal(failed.Id, cloudEvent.Id);
        Assert.Equal(id, cloudEvent.Subject);
        Assert.Equal("1.0", (string?)failed.Json["specversion"]);
        var data = failed.Json["data"]!.AsObject();
        Assert.Equal("Failed", (string?)data["status"]);
        Assert.Equal("TEST_RUN", (string?)data["taskType"]);
        Assert.Equal("engine", (string?)data["actor"]);
        Assert.Contains("500", (string?)data["error"]!["message"], StringComparison.Ordinal);
        var stepFailed = calls[3].Json["data"]!.AsObject();
        Assert.Equal("call", (string?)stepFailed["stepName"]);
        Assert.Equal(1, (int?)stepFailed["attempt"]);
        Assert.NotNull(stepFailed["stepId"]);

        // Each event once, ids distinct.
        Assert.Equal(calls.Count, calls.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_receiver_answering_500_twice_then_200_gets_the_same_event_three_times_with_one_webhook_id()
    {
        _receiver.Answer("flaky", n => n <= 2 ? 500 : 200);
        var subscription = await Client.SubscribeAsync(_receiver.Url("flaky"), events: ["task.succeeded"]);
        var task = await Client.CreateTaskAsync(SubscriptionTestApi.PassingTask(Target));
        await Client.WaitForStatusAsync(task["id"].Str(), "SUCCESSFUL");

        var calls = await _receiver.WaitForAsync("flaky", c => c.Any(r => r.Status == 200));
        Assert.Equal([500, 500, 200], calls.Select(c => c.Status).ToArray());
        Assert.Single(calls.Select(c => c.Id).Distinct());
        Assert.All(calls, c => Assert.Equal("functasks.task.succeeded", c.Type));

        var subscriptionId = subscription["id"].Str();
        var deliveries = await WaitForDeliveriesAsync(subscriptionId, 3);
        Assert.Equal(["DELIVERED", "FAILED", "FAILED"], deliveries.Select(d => (string)d!["outcome"]!).ToArray());
        Assert.Equal([200, 500, 500], deliveries.Select(d => (int?)d!["statusCode"]).ToArray());
        Assert.Equal([3, 2, 1], deliveries.Select(d => (int?)d!["attempt"]).ToArray());
        var figures = (await Client.GetJsonAsync($"/v1/subscriptions/{subscriptionId}"))["deliveries"]!;
        Assert.Equal(1, (long?)figures["delivered"]);
        Assert.Equal(2, (long?)figures["failedAttempts"]);
        Assert.False((bool?)figures["failing"]);
        await Task.Yield();
    }

    [Fact]
    public async Task A_filtered_subscription_receives_only_its_types_and_a_deleted_one_nothing_more()
    {
        await Client.SubscribeAsync(_receiver.Url("filtered"), events: ["task.succeeded", "step.succeeded"]);
        var other = await Client.SubscribeAsync(_receiver.Url("other"), taskTypes: ["TEST_RUN"]);
        await Client.SubscribeAsync(_receiver.Url("elsewhere"), taskTypes: ["SOME_OTHER_TYPE"]);

        var first = await Client.CreateTaskAsync(SubscriptionTestApi.PassingTask(Target, "first"));
        await Client.WaitForStatusAsync(first["id"].Str(), "SUCCESSFUL");
        await _receiver.WaitForAsync("filtered", c => c.Count >= 2);
        await _receiver.WaitForAsync("other", c => c.Any(r => r.Type == "functasks.task.succeeded"));

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/v1/subscriptions/{other["id"].Str()}")).StatusCode);
        var otherBefore = _receiver.At("other").Count;

        var second = await Client.CreateTaskAsync(SubscriptionTestApi.PassingTask(Target, "second"));
        await Client.WaitForStatusAsync(second["id"].Str(), "SUCCESSFUL");
        var filtered = await _receiver.WaitForAsync("filtered", c => c.Count(r => r.Subject == second["id"].Str()) >= 2);

        Assert.Equal(
            ["functasks.step.succeeded", "functasks.task.succeeded", "functasks.step.succeeded", "functasks.task.succeeded"],
            filtered.Select(c => c.Type).ToArray());
        Assert.Equal(otherBefore, _receiver.At("other").Count);
        Assert.DoesNotContain(_receiver.At("other"), c => c.Subject == second["id"].Str());
        Assert.Empty(_receiver.At("elsewhere"));
    }

    [Fact]
    public async Task A_failed_attempt_with_its_next_attempt_scheduled_sends_step_retrying_and_the_exhausted_last_one_step_failed()
    {
        await Client.SubscribeAsync(_receiver.Url("retries"));
        Target.Respond("flaky", 503, "try again");
        var task = await Client.CreateTaskAsync(TestApi.Task("retried",
            Retries.RetryTestApi.WithRetry(TestApi.HttpStep("call", Target.Url("flaky")), Retries.RetryTestApi.Policy(2, intervalSeconds: 0.2))));
        var id = task["id"].Str();
        await Client.WaitForStatusAsync(id, "FAILED");

        var calls = await _receiver.WaitForAsync("retries", c => c.Any(r => r.Type == "functasks.task.failed"));
        Assert.Equal(
            ["functasks.task.created", "functasks.task.started", "functasks.step.started", "functasks.step.retrying", "functasks.step.started",
                "functasks.step.failed", "functasks.task.failed"],
            calls.Select(c => c.Type).ToArray());
        var retrying = calls.Single(c => c.Type == "functasks.step.retrying").Json["data"]!;
        Assert.Equal(1, retrying["attempt"]!.GetValue<int>());
        Assert.Equal("Started", retrying["stepStatus"].Str());
        Assert.Contains("503", retrying["error"]!["message"].Str(), StringComparison.Ordinal);
        Assert.Contains("attempt 1 failed; next attempt scheduled for ", retrying["message"].Str(), StringComparison.Ordinal);
        Assert.Equal([1, 2], calls.Where(c => c.Type == "functasks.step.started").Select(c => c.Json["data"]!["attempt"]!.GetValue<int>()).ToArray());
        Assert.Equal(2, calls.Single(c => c.Type == "functasks.step.failed").Json["data"]!["attempt"]!.GetValue<int>());
    }

    private Task<System.Text.Json.Nodes.JsonArray> WaitForDeliveriesAsync(string subscriptionId, int count) =>
        Eventually.Value(
            async () => (await Client.GetJsonAsync($"/v1/subscriptions/{subscriptionId}/deliveries"))["elements"]!.AsArray(),
            list => list.Count >= count, $"{count} delivery attempts were listed", describe: list => list.ToJsonString());
}
