using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Retries;

/// <summary>
/// Automatic retries and step timeouts end to end (issue #15), on the queue runner and (FUNCTASKS_TEST_RUNNER=Durable) on the
/// Durable runner: a transient failure is tried again after the policy's wait, a permanent one is not, the task stays in
/// progress while it waits, a cancel ends the wait, and timeoutSeconds cuts any step.
/// </summary>
public sealed class RetryTests : AppTest
{
    [Fact]
    public async Task A_target_failing_twice_then_answering_ends_successful_after_three_calls_with_the_policy_waits_between_them()
    {
        Target.FailFirst("flaky", 2);
        var created = await Client.CreateTaskAsync(TestApi.Task("flaky",
            TestApi.HttpStep("call", Target.Url("flaky")).WithRetry(RetryTestApi.Policy(3, intervalSeconds: 1, backoffRate: 2))));
        var id = created["id"].Str();

        var done = await Client.WaitForStatusAsync(id, "SUCCESSFUL", TimeSpan.FromSeconds(60));

        Assert.Equal(3, Target.Calls("flaky"));
        Assert.Empty(done["errors"]!.AsArray());
        Assert.Null(done["subTasks"]![0]!["nextAttemptAt"]);
        VcfSchema.AssertValid("Task", done.ToJsonString());
        var attempts = await Client.AttemptsAsync(id);
        Assert.Equal(["FAILED", "FAILED", "COMPLETED"], attempts.Select(a => a.Status));
        Assert.Contains("503", attempts[0].Error);
        // Waits of 1 s then 2 s (jitter only lengthens them), read from when each attempt ended and the next started.
        Assert.True(attempts[1].StartedAt - attempts[0].FinishedAt >= TimeSpan.FromSeconds(1), $"first wait {attempts[1].StartedAt - attempts[0].FinishedAt}");
        Assert.True(attempts[2].StartedAt - attempts[1].FinishedAt >= TimeSpan.FromSeconds(2), $"second wait {attempts[2].StartedAt - attempts[1].FinishedAt}");
    }

    [Fact]
    public async Task Always_failing_with_three_attempts_fails_after_exactly_three_calls_saying_so()
    {
        Target.Respond("down", 500, "still down");
        var created = await Client.CreateTaskAsync(TestApi.Task("down",
            TestApi.HttpStep("call", Target.Url("down")).WithRetry(RetryTestApi.Policy(3, intervalSeconds: 0.2))));
        var id = created["id"].Str();

        var failed = await Client.WaitForStatusAsync(id, "FAILED", TimeSpan.FromSeconds(60));

        Assert.Equal(3, Target.Calls("down"));
        Assert.Contains("after 3 attempts", failed["errors"]![0]!["message"].Str());
        Assert.Equal(["FAILED", "FAILED", "FAILED"], (await Client.AttemptsAsync(id)).Select(a => a.Status));
        Assert.Null(failed["subTasks"]![0]!["nextAttemptAt"]);

        // PATCH retry starts a fresh set of three attempts.
        Target.FailFirst("down", 4, status: 500);
        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsync($"/v1/tasks/{id}", null)).StatusCode);
        await Client.WaitForStatusAsync(id, "SUCCESSFUL", TimeSpan.FromSeconds(60));
        Assert.Equal(5, Target.Calls("down"));
    }

    [Fact]
    public async Task A_404_is_not_retried()
    {
        Target.Respond("missing", 404, "no such thing");
        var created = await Client.CreateTaskAsync(TestApi.Task("missing",
            TestApi.HttpStep("call", Target.Url("missing")).WithRetry(RetryTestApi.Policy(3, intervalSeconds: 0.2))));

        var failed = await Client.WaitForStatusAsync(created["id"].Str(), "FAILED", TimeSpan.FromSeconds(60));

        Assert.Equal(1, Target.Calls("missing"));
        Assert.DoesNotContain("attempts", failed["errors"]![0]!["message"].Str());
    }

    [Fact]
    public async Task A_task_level_policy_applies_to_a_step_without_its_own_and_a_step_policy_wins()
    {
        Target.Respond("a", 503, "busy");
        Target.Respond("b", 503, "busy");
        var task = TestApi.Task("task policy",
            TestApi.HttpStep("a", Target.Url("a")),
            TestApi.HttpStep("b", Target.Url("b")).WithRetry(RetryTestApi.Policy(1)));
        task["retry"] = RetryTestApi.Policy(2, intervalSeconds: 0.2);
        var created = await Client.CreateTaskAsync(task);
        Assert.Equal(2, created["retry"]!["maxAttempts"]!.GetValue<int>());
        Assert.Equal(1, created["subTasks"]![1]!["retry"]!["maxAttempts"]!.GetValue<int>());
        var id = created["id"].Str();

        await Client.WaitForStatusAsync(id, "FAILED", TimeSpan.FromSeconds(60));
        Assert.Equal(2, Target.Calls("a"));

        Target.Respond("a", 200, "ok");
        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsync($"/v1/tasks/{id}", null)).StatusCode);
        await Client.WaitForStatusAsync(id, "FAILED", TimeSpan.FromSeconds(60));
        Assert.Equal(1, Target.Calls("b"));
    }

    [Fact]
    public async Task While_waiting_for_the_next_attempt_the_task_is_in_progress_and_a_cancel_ends_it_at_once_with_no_further_call()
    {
        Target.Respond("slow-to-recover", 503, "busy");
        var created = await Client.CreateTaskAsync(TestApi.Task("cancel in wait",
            TestApi.HttpStep("call", Target.Url("slow-to-recover")).WithRetry(RetryTestApi.Policy(3, intervalSeconds: 30))));
        var id = created["id"].Str();

        var waiting = await Client.WaitForTaskAsync(id, t => t["subTasks"]![0]!["nextAttemptAt"] is not null, TimeSpan.FromSeconds(30));
        Assert.Equal("IN_PROGRESS", waiting["status"].Str());
        Assert.Equal("IN_PROGRESS", waiting["subTasks"]![0]!["status"].Str());
        Assert.Equal(1, Target.Calls("slow-to-recover"));
        var due = DateTimeOffset.Parse(waiting["subTasks"]![0]!["nextAttemptAt"].Str(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(due > DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20), $"next attempt at {due}");
        var process = await Client.GetJsonAsync($"/api/v1/processes/{id}");
        Assert.Equal("STARTED", process["data"]!["status"].Str());
        Assert.NotNull(process["data"]!["steps"]![0]!["nextAttemptAt"]);
        var events = await Client.GetJsonAsync($"/v1/tasks/{id}/events");
        Assert.Contains(events["elements"]!.AsArray(), e => e!["message"].Str().Contains("attempt 1 failed; next attempt scheduled", StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteAsync($"/v1/tasks/{id}")).StatusCode);
        await Client.WaitForStatusAsync(id, "CANCELLED", TimeSpan.FromSeconds(2));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"cancelled after {clock.Elapsed}");
        Assert.Equal(1, Target.Calls("slow-to-recover"));
    }

    [Fact]
    public async Task A_one_second_timeout_on_a_thirty_second_delay_fails_it_within_a_few_seconds_naming_the_timeout()
    {
        var step = TestApi.DelayStep("long", 30);
        step["timeoutSeconds"] = 1;
        var created = await Client.CreateTaskAsync(TestApi.Task("timed out", step));
        Assert.Equal(1, created["subTasks"]![0]!["timeoutSeconds"]!.GetValue<int>());

        var clock = Stopwatch.StartNew();
        var failed = await Client.WaitForStatusAsync(created["id"].Str(), "FAILED", TimeSpan.FromSeconds(10));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"failed after {clock.Elapsed}");
        Assert.Contains("did not finish within 1 s", failed["errors"]![0]!["message"].Str());
        Assert.Equal("System.TimeoutException", failed["subTasks"]![0]!["errors"]![0]!["errorType"].Str().Replace("FuncTasks.Core.Engine.StepTimeoutException", "System.TimeoutException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_external_step_not_completed_within_its_timeout_fails_naming_the_timeout()
    {
        var step = new System.Text.Json.Nodes.JsonObject { ["name"] = "agent", ["action"] = "external", ["timeoutSeconds"] = 1 };
        var created = await Client.CreateTaskAsync(TestApi.Task("agent too slow", step));

        var clock = Stopwatch.StartNew();
        var failed = await Client.WaitForStatusAsync(created["id"].Str(), "FAILED", TimeSpan.FromSeconds(15));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"failed after {clock.Elapsed}");
        Assert.Contains("did not finish within 1 s", failed["errors"]![0]!["message"].Str());
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried_by_the_policy()
    {
        Target.Respond("hangs", 200, "late", delay: TimeSpan.FromSeconds(20));
        var step = TestApi.HttpStep("call", Target.Url("hangs")).WithRetry(RetryTestApi.Policy(2, intervalSeconds: 0.2));
        step["timeoutSeconds"] = 1;
        var created = await Client.CreateTaskAsync(TestApi.Task("timeout retried", step));

        var failed = await Client.WaitForStatusAsync(created["id"].Str(), "FAILED", TimeSpan.FromSeconds(30));

        Assert.Equal(2, Target.Calls("hangs"));
        Assert.Contains("after 2 attempts", failed["errors"]![0]!["message"].Str());
    }

    [Theory]
    [InlineData("""{"maxAttempts": 0}""", "retry.maxAttempts")]
    [InlineData("""{"maxAttempts": 11}""", "retry.maxAttempts")]
    [InlineData("""{"maxAttempts": "3"}""", "retry.maxAttempts")]
    [InlineData("""{"maxAttempts": 3, "intervalSeconds": -1}""", "retry.intervalSeconds")]
    [InlineData("""{"maxAttempts": 3, "backoffRate": 0.5}""", "retry.backoffRate")]
    [InlineData("""{"maxAttempts": 3, "maxIntervalSeconds": -5}""", "retry.maxIntervalSeconds")]
    [InlineData("""{"maxAttempts": 3, "nonRetryable": ["sometimes"]}""", "retry.nonRetryable")]
    [InlineData("""{"maxAttempt": 3}""", "retry.maxAttempt")]
    [InlineData("""5""", "retry")]
    public async Task An_invalid_policy_is_refused_with_400_naming_the_field_and_nothing_is_stored(string policy, string field)
    {
        var before = await App.CountTaskRowsAsync();
        foreach (var (json, expected) in new[]
        {
            ("""{"name": "bad", "steps": [{"name": "s", "action": "delay", "params": {"seconds": {"longValue": 0, "type": "LONG"}}, "retry": """ + policy + "}]}", "steps[0]." + field),
            ("""{"name": "bad", "retry": """ + policy + """, "steps": [{"name": "s", "action": "delay", "params": {"seconds": {"longValue": 0, "type": "LONG"}}}]}""", field),
        })
        {
            var response = await Client.PostAsync("/v1/tasks", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            var body = await response.ReadJsonAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(expected, body["context"]!["field"].Str());
            VcfSchema.AssertValid("Error", body.ToJsonString());
        }

        var timeout = await Client.PostAsJsonAsync("/v1/tasks", new { name = "bad", steps = new[] { new { name = "s", action = "delay", timeoutSeconds = 0, @params = new { seconds = new { longValue = 0, type = "LONG" } } } } });
        Assert.Equal(HttpStatusCode.BadRequest, timeout.StatusCode);
        Assert.Equal("steps[0].timeoutSeconds", (await timeout.ReadJsonAsync())["context"]!["field"].Str());
        Assert.Equal(before, await App.CountTaskRowsAsync());
    }
}
