using System.Net;
using System.Text.RegularExpressions;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FuncTasks.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture)
{
    private TargetServer Target => fixture.Target;
    private HttpClient Api => fixture.Operator;

    [Fact]
    public async Task Operator_edits_the_failed_steps_parameters_restarts_it_and_watches_the_task_complete()
    {
        var down = "down-" + Guid.NewGuid().ToString("N")[..6];
        var up = "up-" + Guid.NewGuid().ToString("N")[..6];
        Target.Respond(down, 503, "maintenance window");
        var backup = await Scenario.CreateAsync(Api, Scenario.Unique("nightly-backup"), "BACKUP_RUN", TestApi.DelayStep("snapshot", 0.1));
        var import = await Scenario.CreateAsync(Api, Scenario.Unique("import-catalog"), "CATALOG_IMPORT",
            TestApi.DelayStep("download", 0.1), Scenario.LongDelay("load", 600), TestApi.DelayStep("index", 0.1));
        var name = Scenario.Unique("deploy-site");
        var id = await Scenario.CreateAsync(Api, name, "SITE_DEPLOY",
            TestApi.DelayStep("warm-up", 0.1), Scenario.HttpStep("notify", Target.Url(down)), TestApi.DelayStep("cool-down", 0.1));
        await Api.WaitForStatusAsync(backup, "SUCCESSFUL");
        await Api.WaitForStatusAsync(id, "FAILED");

        await using var tab = await DashboardSession.OpenAsync(fixture, FuncTasksApp.OperatorKey);
        var page = tab.Page;
        await tab.RunAsync("restart-step", async () =>
        {
            await Expect(page.GetByTestId("who")).ToHaveTextAsync(new Regex("test-operator · operator"));

            // The list: newest first, with status, type, progress and times.
            await Expect(tab.Row(id)).ToBeVisibleAsync();
            await Expect(tab.Row(id).GetByTestId("status")).ToHaveTextAsync("FAILED");
            await Expect(tab.Row(id)).ToContainTextAsync("SITE_DEPLOY");
            await Expect(tab.Row(id).GetByTestId("progress")).ToContainTextAsync("33%");
            await Expect(tab.Row(backup).GetByTestId("status")).ToHaveTextAsync("SUCCESSFUL");
            await Expect(tab.Row(import).GetByTestId("status")).ToHaveTextAsync("IN PROGRESS");
            await Expect(tab.Row(import).GetByTestId("progress")).ToContainTextAsync("33%");
            var ids = await page.GetByTestId("task-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.taskId)");
            Assert.True(Array.IndexOf(ids, id) < Array.IndexOf(ids, backup), "The newer task is listed first.");
            await tab.ScreenshotAsync("dashboard-list");

            // Search narrows the list to the task.
            await page.GetByTestId("search").FillAsync(name);
            await Expect(page.GetByTestId("task-row")).ToHaveCountAsync(1);
            await page.GetByTestId("task-link").ClickAsync();

            // The task page: the error with its stack and cause, the steps as a timeline.
            await Expect(page.GetByTestId("task-name")).ToHaveTextAsync(name);
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("FAILED");
            await Expect(page.GetByTestId("error-top")).ToContainTextAsync("Step 'notify' (http) failed");
            await Expect(page.GetByTestId("error-top").GetByTestId("stack").First).ToContainTextAsync("StepExecutor");
            await Expect(page.GetByTestId("error-cause")).ToContainTextAsync("answered 503");
            await Expect(tab.Step("warm-up")).ToHaveAttributeAsync("data-status", "SUCCESSFUL");
            await Expect(tab.Step("notify")).ToHaveAttributeAsync("data-status", "FAILED");
            await Expect(tab.Step("cool-down")).ToHaveAttributeAsync("data-status", "PENDING");
            await Expect(tab.Step("notify").GetByTestId("attempt")).ToHaveCountAsync(1);

            // The editor checks every value against its type before anything is sent.
            await tab.Step("notify").GetByTestId("restart-step").ClickAsync();
            var editor = tab.Step("notify").GetByTestId("param-editor");
            await editor.GetByTestId("value-url").FillAsync(Target.Url(up));
            await editor.GetByTestId("value-timeoutSeconds").FillAsync("ten");
            await Expect(editor.GetByTestId("problem-timeoutSeconds")).ToHaveTextAsync("timeoutSeconds must be a whole number (LONG), e.g. 30.");
            await editor.GetByTestId("send-restart").ClickAsync();
            await Expect(editor.GetByTestId("editor-problem")).ToContainTextAsync("Not sent");
            await Expect(page.GetByTestId("confirm-dialog")).ToBeHiddenAsync();
            await editor.GetByTestId("value-timeoutSeconds").FillAsync("10");
            await Expect(editor.GetByTestId("problem-timeoutSeconds")).ToHaveTextAsync(string.Empty);
            await tab.ScreenshotAsync("dashboard-task-edit");

            // Confirm, then watch it carry on to the end.
            await editor.GetByTestId("send-restart").ClickAsync();
            await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("url (STRING) = " + Target.Url(up));
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("SUCCESSFUL");
            await Expect(tab.Step("notify")).ToHaveAttributeAsync("data-status", "SUCCESSFUL");
            await Expect(tab.Step("cool-down")).ToHaveAttributeAsync("data-status", "SUCCESSFUL");

            // Both attempts of the step are kept, each with the parameters it ran with.
            var attempts = tab.Step("notify").GetByTestId("attempt");
            await Expect(attempts).ToHaveCountAsync(2);
            await Expect(attempts.Nth(0)).ToHaveAttributeAsync("data-status", "FAILED");
            await Expect(attempts.Nth(0).GetByTestId("param-url")).ToHaveTextAsync(Target.Url(down));
            await Expect(attempts.Nth(1)).ToHaveAttributeAsync("data-status", "COMPLETED");
            await Expect(attempts.Nth(1).GetByTestId("param-url")).ToHaveTextAsync(Target.Url(up));
            await Expect(attempts.Nth(1).GetByTestId("param-timeoutSeconds")).ToHaveTextAsync("10");
            await Expect(tab.Step("warm-up").GetByTestId("attempt")).ToHaveCountAsync(1);
            await tab.ScreenshotAsync("dashboard-task");

            // The history (audit trail) says who restarted the step, and that the engine ran it to the end.
            var history = page.GetByTestId("history");
            await history.Locator("summary").ClickAsync();
            var restarted = history.GetByTestId("event").Filter(new() { HasText = "restart-failed-step" });
            await Expect(restarted.First).ToContainTextAsync("test-operator");
            await Expect(history.GetByTestId("event").Last).ToContainTextAsync("engine");
            await Expect(history.GetByTestId("event").Last).ToHaveAttributeAsync("data-kind", "TASK_STATUS_CHANGED");
        });

        Assert.Equal(HttpStatusCode.OK, (await Api.DeleteAsync($"/v1/tasks/{import}")).StatusCode);
        Assert.Equal(1, Target.Calls(down));
        Assert.Equal(1, Target.Calls(up));
        var finished = await Api.GetJsonAsync($"/v1/tasks/{id}");
        Assert.Equal("SUCCESSFUL", finished["status"].Str());
    }

    [Fact]
    public async Task Operator_cancels_a_running_task_only_after_confirming()
    {
        var name = Scenario.Unique("long-wait");
        var id = await Scenario.CreateAsync(Api, name, "WAIT_RUN", Scenario.LongDelay("sleep", 600), TestApi.DelayStep("after", 0.1));
        await Api.WaitForTaskAsync(id, t => t["subTasks"]![0]!["status"].Str() == "IN_PROGRESS");

        await using var tab = await DashboardSession.OpenAsync(fixture, FuncTasksApp.OperatorKey);
        var page = tab.Page;
        await tab.RunAsync("cancel", async () =>
        {
            await tab.OpenTaskAsync(id);
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("IN PROGRESS");
            await Expect(page.GetByTestId("live")).ToBeVisibleAsync();
            await Expect(tab.Step("sleep")).ToHaveAttributeAsync("data-status", "IN_PROGRESS");
            await Expect(page.GetByTestId("retry")).ToHaveCountAsync(0);

            // Backing out of the confirmation changes nothing.
            await page.GetByTestId("cancel").ClickAsync();
            await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync($"Cancel '{name}'?");
            await page.GetByTestId("confirm-cancel").ClickAsync();
            await Expect(page.GetByTestId("confirm-dialog")).ToBeHiddenAsync();
            Assert.Equal("IN_PROGRESS", (await Api.GetJsonAsync($"/v1/tasks/{id}"))["status"].Str());

            await page.GetByTestId("cancel").ClickAsync();
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("CANCELLED");
            await Expect(page.GetByTestId("notice")).ToHaveTextAsync($"Task '{name}' was cancelled.");
            await Expect(page.GetByTestId("cancel")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("live")).ToHaveCountAsync(0);
            await Expect(tab.Step("sleep")).ToHaveAttributeAsync("data-status", "CANCELLED");
            await Expect(tab.Step("after")).ToHaveAttributeAsync("data-status", "CANCELLED");
            await Expect(tab.Step("after")).ToContainTextAsync("not started");
        });

        Assert.Equal("CANCELLED", (await Api.GetJsonAsync($"/v1/tasks/{id}"))["status"].Str());
    }

    [Fact]
    public async Task Operator_retries_a_failed_task_and_it_resumes_at_the_failed_step()
    {
        var flaky = "flaky-" + Guid.NewGuid().ToString("N")[..6];
        var first = "first-" + Guid.NewGuid().ToString("N")[..6];
        Target.Respond(flaky, 500, "database locked");
        var id = await Scenario.CreateAsync(Api, Scenario.Unique("sync-orders"), "ORDER_SYNC",
            Scenario.HttpStep("fetch", Target.Url(first)), Scenario.HttpStep("push", Target.Url(flaky)));
        await Api.WaitForStatusAsync(id, "FAILED");

        await using var tab = await DashboardSession.OpenAsync(fixture, FuncTasksApp.OperatorKey);
        var page = tab.Page;
        await tab.RunAsync("retry", async () =>
        {
            await tab.OpenTaskAsync(id);
            await Expect(page.GetByTestId("cancel")).ToHaveCountAsync(0);
            Target.Respond(flaky, 200, "ok");
            await page.GetByTestId("retry").ClickAsync();
            await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("resumes at its failed step");
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("SUCCESSFUL");
            await Expect(tab.Step("push").GetByTestId("attempt")).ToHaveCountAsync(2);
            await Expect(page.GetByTestId("retry")).ToHaveCountAsync(0);
        });

        Assert.Equal(1, Target.Calls(first));
        Assert.Equal(2, Target.Calls(flaky));
    }

    [Fact]
    public async Task Reader_key_sees_tasks_and_their_errors_but_no_action_buttons()
    {
        var down = "down-" + Guid.NewGuid().ToString("N")[..6];
        Target.Respond(down, 503, "maintenance window");
        var failed = await Scenario.CreateAsync(Api, Scenario.Unique("reader-failed"), "SITE_DEPLOY", Scenario.HttpStep("notify", Target.Url(down)));
        var running = await Scenario.CreateAsync(Api, Scenario.Unique("reader-running"), "WAIT_RUN", Scenario.LongDelay("sleep", 600));
        await Api.WaitForStatusAsync(failed, "FAILED");
        await Api.WaitForTaskAsync(running, t => t["subTasks"]![0]!["status"].Str() == "IN_PROGRESS");

        await using var tab = await DashboardSession.OpenAsync(fixture, FuncTasksApp.ReaderKey);
        var page = tab.Page;
        await tab.RunAsync("reader", async () =>
        {
            await Expect(page.GetByTestId("who")).ToHaveTextAsync(new Regex("test-reader · reader"));

            // The status filter shows failed tasks only.
            await page.GetByTestId("status-filter").SelectOptionAsync("FAILED");
            await Expect(tab.Row(failed)).ToBeVisibleAsync();
            await Expect(tab.Row(running)).ToHaveCountAsync(0);
            var statuses = await page.GetByTestId("task-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.status)");
            Assert.All(statuses, s => Assert.Equal("FAILED", s));

            await tab.Row(failed).GetByTestId("task-link").ClickAsync();
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("FAILED");
            await Expect(page.GetByTestId("task-error")).ToContainTextAsync("answered 503");
            await Expect(tab.Step("notify")).ToHaveAttributeAsync("data-status", "FAILED");
            await Expect(page.GetByTestId("retry")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("restart-step")).ToHaveCountAsync(0);
            await Expect(page.Locator("button:visible", new() { HasTextRegex = new Regex("Retry|Cancel task|restart", RegexOptions.IgnoreCase) })).ToHaveCountAsync(0);

            await tab.OpenTaskAsync(running);
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("IN PROGRESS");
            await Expect(page.GetByTestId("live")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("cancel")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("task-actions").Locator("button")).ToHaveCountAsync(0);
        });

        Assert.Equal(HttpStatusCode.OK, (await Api.DeleteAsync($"/v1/tasks/{running}")).StatusCode);
    }

    [Fact]
    public async Task Errors_from_the_api_are_shown_in_words()
    {
        var down = "down-" + Guid.NewGuid().ToString("N")[..6];
        Target.Respond(down, 503, "maintenance window");
        var id = await Scenario.CreateAsync(Api, Scenario.Unique("raced"), "SITE_DEPLOY", Scenario.HttpStep("notify", Target.Url(down)));
        await Api.WaitForStatusAsync(id, "FAILED");

        // A key nobody configured.
        await using (var stranger = await OpenWithoutSigningInAsync())
        {
            await stranger.RunAsync("bad-key", async () =>
            {
                await stranger.Page.GetByTestId("key-input").FillAsync("not-a-configured-key");
                await stranger.Page.GetByTestId("key-submit").ClickAsync();
                await Expect(stranger.Page.GetByTestId("alert")).ToHaveTextAsync(
                    "Checking the key: The key was not accepted (HTTP 401) — This key is not valid: no configured key has this secret.");
                await Expect(stranger.Page.GetByTestId("key-input")).ToBeVisibleAsync();
            });
        }

        // The step is restarted elsewhere while the editor is open: the 412 precondition is explained.
        await using var tab = await DashboardSession.OpenAsync(fixture, FuncTasksApp.OperatorKey);
        var page = tab.Page;
        await tab.RunAsync("precondition", async () =>
        {
            await tab.OpenTaskAsync(id);
            await tab.Step("notify").GetByTestId("restart-step").ClickAsync();
            var editor = tab.Step("notify").GetByTestId("param-editor");
            await Expect(editor).ToBeVisibleAsync();

            Target.Respond(down, 200, "ok");
            Assert.Equal(HttpStatusCode.OK, (await Api.PatchAsync($"/v1/tasks/{id}", null)).StatusCode);
            await Api.WaitForStatusAsync(id, "SUCCESSFUL");

            await editor.GetByTestId("send-restart").ClickAsync();
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Expect(page.GetByTestId("alert")).ToContainTextAsync("Restarting step 'notify': Precondition failed (HTTP 412) — ");
            await Expect(page.GetByTestId("alert")).ToContainTextAsync("precondition: processStepStatus");
            await Expect(editor.GetByTestId("editor-problem")).ToContainTextAsync("current status: COMPLETED");
        });
    }

    private async Task<DashboardSession> OpenWithoutSigningInAsync()
    {
        var session = await DashboardSession.OpenAnonymousAsync(fixture);
        await Expect(session.Page.GetByTestId("key-input")).ToBeVisibleAsync();
        return session;
    }
}
