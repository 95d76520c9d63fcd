using System.Net;
using System.Net.Http.Json;
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

            // A failed row says which step failed and why; a waiting one what it waits for; the end column is "Finished".
            await Expect(tab.Row(id).GetByTestId("why")).ToHaveTextAsync(
                $"Failed at step 2 'notify' (http): POST {Target.Url(down)} answered 503 (ServiceUnavailable): maintenance window");
            await Expect(tab.Row(import).GetByTestId("why")).ToHaveAttributeAsync("data-kind", "timer");
            await Expect(tab.Row(import).GetByTestId("why")).ToHaveTextAsync(new Regex("^Waiting on a timer: step 2 'load' until "));
            await Expect(tab.Row(backup).GetByTestId("why")).ToHaveCountAsync(0);
            await Expect(page.Locator("table.tasks thead th")).ToHaveTextAsync(["Task", "Type", "Status", "Progress", "Created", "Finished", "Duration"]);

            // Search narrows the list to the task.
            await page.GetByTestId("search").FillAsync(name);
            await Expect(page.GetByTestId("task-row")).ToHaveCountAsync(1);
            await page.GetByTestId("task-link").ClickAsync();

            // The task page: the failed step, the error and its cause chain, a hint in terms of the page's buttons,
            // the stack collapsed below them; a failed task has "Finished", not "Completed".
            await Expect(page.GetByTestId("task-name")).ToHaveTextAsync(name);
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("FAILED");
            await Expect(tab.Header.GetByTestId("finished-label")).ToHaveTextAsync("Finished");
            var error = page.GetByTestId("task-error");
            await Expect(error.GetByTestId("failed-step")).ToHaveTextAsync("Failed at step 2 'notify' (http)");
            await Expect(page.GetByTestId("error-top")).ToHaveTextAsync(
                $"FuncTasks.Core.Engine.StepFailedException: Step 'notify' (http) failed: POST {Target.Url(down)} answered 503 (ServiceUnavailable): maintenance window");
            await Expect(page.GetByTestId("error-cause")).ToHaveTextAsync(
                $"Caused by FuncTasks.Core.Actions.HttpStepException: POST {Target.Url(down)} answered 503 (ServiceUnavailable): maintenance window");
            await Expect(error.GetByTestId("hint")).ToHaveTextAsync(
                "Fix the cause, then press Retry task to run step 'notify' again with the same parameters, or Edit parameters and restart on step 'notify' below to run it with corrected ones.");
            await Expect(page.GetByTestId("retry")).ToHaveTextAsync("Retry task");
            await Expect(tab.Step("notify").GetByTestId("restart-step")).ToHaveTextAsync("Edit parameters and restart");
            var stacks = error.GetByTestId("stack-details");
            await Expect(stacks).ToHaveJSPropertyAsync("open", false);
            await Expect(error.GetByTestId("stack").First).ToBeHiddenAsync();
            Assert.True(await error.EvaluateAsync<bool>(
                "card => { const [top, cause, stack] = ['error-top', 'error-cause', 'stack-details'].map(t => card.querySelector(`[data-testid=${t}]`));" +
                " return !!(top.compareDocumentPosition(cause) & Node.DOCUMENT_POSITION_FOLLOWING) && !!(cause.compareDocumentPosition(stack) & Node.DOCUMENT_POSITION_FOLLOWING); }"),
                "The cause chain comes before the stack.");
            await stacks.Locator("summary").ClickAsync();
            await Expect(error.GetByTestId("stack").First).ToBeVisibleAsync();
            await Expect(error.GetByTestId("stack").First).ToContainTextAsync("StepExecutor");
            await Expect(error.GetByTestId("stack-of")).ToHaveCountAsync(2);
            await stacks.Locator("summary").ClickAsync();
            await Expect(stacks).ToHaveJSPropertyAsync("open", false);
            await Expect(tab.Step("warm-up")).ToHaveAttributeAsync("data-status", "SUCCESSFUL");
            await Expect(tab.Step("notify")).ToHaveAttributeAsync("data-status", "FAILED");
            await Expect(tab.Step("cool-down")).ToHaveAttributeAsync("data-status", "PENDING");
            await Expect(tab.Step("notify").GetByTestId("attempt")).ToHaveCountAsync(1);

            // The editor checks every value against its type before anything is sent.
            await tab.Step("notify").GetByTestId("restart-step").ClickAsync();
            var editor = tab.Step("notify").GetByTestId("param-editor");
            await editor.GetByTestId("value-url").FillAsync(Target.Url(up));
            Assert.True(await editor.GetByTestId("value-url").EvaluateAsync<bool>("input => input.scrollWidth <= input.clientWidth"),
                "The whole URL is visible in the value field.");
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
            await Expect(tab.Header.GetByTestId("finished-label")).ToHaveTextAsync("Completed");
            await Expect(page.GetByTestId("task-error")).ToHaveCountAsync(0);
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
    public async Task Waiting_tasks_say_what_they_wait_for_and_an_operator_completes_external_work_after_confirming()
    {
        var down = "down-" + Guid.NewGuid().ToString("N")[..6];
        Target.Respond(down, 502, "gateway down");
        var backup = await Scenario.CreateAsync(Api, Scenario.Unique("nightly-backup"), "BACKUP_RUN", TestApi.DelayStep("snapshot", 0.1));
        var deploy = await Scenario.CreateAsync(Api, Scenario.Unique("deploy-site"), "SITE_DEPLOY",
            TestApi.DelayStep("build", 0.1), Scenario.HttpStep("purge-cache", Target.Url(down)));
        var cooling = await Scenario.CreateAsync(Api, Scenario.Unique("cool-off"), "WAIT_RUN", Scenario.LongDelay("cool-off", 600));
        var publishName = Scenario.Unique("publish-report");
        var publish = await Scenario.CreateAsync(Api, publishName, "REPORT_PUBLISH",
            TestApi.DelayStep("render", 0.1), Scenario.External("approve"), TestApi.DelayStep("publish", 0.1));
        var follower = await Scenario.CreateAsync(Api, Scenario.Unique("notify-readers"), "READER_NOTIFY",
            Scenario.AwaitTasks("after-publish", publish), TestApi.DelayStep("send", 0.1));
        var jobName = Scenario.Unique("extract-csv");
        var job = await Scenario.CreateAgentJobAsync(Api, jobName);
        var taken = await Scenario.CreateAgentJobAsync(Api, Scenario.Unique("map-fields"));
        var ack = await Api.PostAsJsonAsync($"/v1/jobs/{taken}/ack", new { info = "reading rows", progress = 40 });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        await Api.WaitForStatusAsync(backup, "SUCCESSFUL");
        await Api.WaitForStatusAsync(deploy, "FAILED");
        await Api.WaitForTaskAsync(cooling, t => t["subTasks"]![0]!["status"].Str() == "IN_PROGRESS");
        await Api.WaitForTaskAsync(publish, t => t["subTasks"]![1]!["status"].Str() == "IN_PROGRESS");
        await Api.WaitForTaskAsync(follower, t => t["subTasks"]![0]!["status"].Str() == "IN_PROGRESS");

        await using var tab = await DashboardSession.OpenAsync(fixture, FuncTasksApp.OperatorKey);
        var page = tab.Page;
        await tab.RunAsync("waiting", async () =>
        {
            // The list: each of these says IN PROGRESS, and under its name what it waits for.
            foreach (var (id, kind, text) in new[]
            {
                (job, "agent", "Waiting for an agent: no agent has taken the job yet"),
                (taken, "agent", "Waiting for the agent: taken *, 40% done"),
                (follower, "predecessor", "Waiting for a predecessor: step 1 'after-publish' (await-tasks, 1 task)"),
                (publish, "external", "Waiting for an external completion: step 2 'approve'"),
            })
            {
                await Expect(tab.Row(id).GetByTestId("status")).ToHaveTextAsync("IN PROGRESS");
                await Expect(tab.Row(id).GetByTestId("why")).ToHaveAttributeAsync("data-kind", kind);
                await Expect(tab.Row(id).GetByTestId("why")).ToHaveTextAsync(new Regex("^" + Regex.Escape(text).Replace(@"\*", ".+") + "$"));
            }

            await Expect(tab.Row(cooling).GetByTestId("why")).ToHaveAttributeAsync("data-kind", "timer");
            await Expect(tab.Row(cooling).GetByTestId("why")).ToHaveTextAsync(new Regex("^Waiting on a timer: step 1 'cool-off' until "));
            await Expect(tab.Row(deploy).GetByTestId("why")).ToHaveTextAsync(
                $"Failed at step 2 'purge-cache' (http): POST {Target.Url(down)} answered 502 (BadGateway): gateway down");
            await tab.ScreenshotAsync("dashboard-list", fullPage: false);

            // A timer: how long, and until when.
            await tab.OpenTaskAsync(cooling);
            await Expect(page.GetByTestId("waiting-title")).ToHaveTextAsync("Waiting on a timer");
            await Expect(page.GetByTestId("waiting-text")).ToHaveTextAsync(new Regex(@"^Step 'cool-off' \(delay\) waits 10 min 0 s, until .+ \(.+ left\)\.$"));
            await Expect(tab.Step("cool-off").GetByTestId("step-wait")).ToHaveTextAsync("Waiting on a timer");
            await Expect(page.GetByTestId("complete-step")).ToHaveCountAsync(0);

            // A predecessor: which task, linked, with its status.
            await tab.OpenTaskAsync(follower);
            await Expect(page.GetByTestId("waiting-title")).ToHaveTextAsync("Waiting for a predecessor");
            await Expect(page.GetByTestId("waiting-text")).ToHaveTextAsync(
                "Step 'after-publish' (await-tasks) waits until this task has succeeded; it fails if that task fails or is cancelled.");
            var awaited = page.GetByTestId("awaited").Locator("li");
            await Expect(awaited).ToHaveCountAsync(1);
            await Expect(awaited.GetByTestId("status")).ToHaveTextAsync("IN PROGRESS");
            await awaited.GetByRole(AriaRole.Link, new() { Name = publishName }).ClickAsync();

            // An external step: what happens when it is completed; backing out of the confirmation changes nothing.
            await Expect(page.GetByTestId("task-id")).ToHaveTextAsync(publish);
            var waiting = page.GetByTestId("waiting");
            await Expect(waiting).ToHaveAttributeAsync("data-kind", "external");
            await Expect(page.GetByTestId("waiting-title")).ToHaveTextAsync("Waiting for an external completion");
            await Expect(page.GetByTestId("waiting-text")).ToHaveTextAsync(
                "Step 'approve' (external) has started and waits for someone outside FuncTasks to complete it; then the task carries on with step 3 'publish'.");
            await Expect(page.GetByTestId("waiting-hint")).ToHaveTextAsync(
                "When the external work is done, press Complete step: step 'approve' is marked completed and the task carries on.");
            await Expect(tab.Step("approve").GetByTestId("step-wait")).ToHaveTextAsync("Waiting for an external completion");
            await Expect(page.GetByTestId("complete-step")).ToHaveTextAsync("Complete step…");
            await tab.ScreenshotAsync("dashboard-waiting");
            await page.GetByTestId("complete-step").ClickAsync();
            await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("Complete step 'approve'?");
            await page.GetByTestId("confirm-cancel").ClickAsync();
            await Expect(page.GetByTestId("confirm-dialog")).ToBeHiddenAsync();
            Assert.Equal("IN_PROGRESS", (await Api.GetJsonAsync($"/v1/tasks/{publish}"))["subTasks"]![1]!["status"].Str());

            await page.GetByTestId("complete-step").ClickAsync();
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Expect(page.GetByTestId("notice")).ToHaveTextAsync("Step 'approve' was completed; the task carries on.");
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("SUCCESSFUL");
            await Expect(tab.Step("approve")).ToHaveAttributeAsync("data-status", "SUCCESSFUL");
            await Expect(tab.Step("publish")).ToHaveAttributeAsync("data-status", "SUCCESSFUL");
            await Expect(waiting).ToHaveCountAsync(0);

            // An agent's job: completed without an agent, with a note as the job's info.
            await tab.OpenTaskAsync(job);
            await Expect(page.GetByTestId("waiting")).ToHaveAttributeAsync("data-kind", "agent");
            await Expect(page.GetByTestId("waiting-title")).ToHaveTextAsync("Waiting for an agent");
            await Expect(page.GetByTestId("waiting-text")).ToHaveTextAsync(
                $"Job '{jobName}' is ready: it waits for an agent to take it, do the work and complete or fail it.");
            await Expect(page.GetByTestId("complete-step")).ToHaveTextAsync("Complete job…");
            await page.GetByTestId("complete-step").ClickAsync();
            await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync($"Complete job '{jobName}'?");
            await page.GetByTestId("complete-note").FillAsync("Checked by hand");
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Expect(page.GetByTestId("notice")).ToHaveTextAsync($"Job '{jobName}' was completed.");
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("SUCCESSFUL");
            await Expect(page.GetByTestId("waiting")).ToHaveCountAsync(0);
        });

        var completedJob = (await Api.GetJsonAsync($"/v1/jobs/{job}"))["data"]!;
        Assert.Equal("complete", completedJob["status"].Str());
        Assert.Equal("Checked by hand", completedJob["info"].Str());
        await Api.WaitForStatusAsync(follower, "SUCCESSFUL");
        Assert.Equal(HttpStatusCode.OK, (await Api.DeleteAsync($"/v1/tasks/{cooling}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsJsonAsync($"/v1/jobs/{taken}/cancel", new { })).StatusCode);
    }

    [Fact]
    public async Task The_page_links_a_favicon_that_is_served()
    {
        await using var tab = await DashboardSession.OpenAnonymousAsync(fixture);
        var page = tab.Page;
        await tab.RunAsync("favicon", async () =>
        {
            await Expect(page.Locator("link[rel='icon']")).ToHaveAttributeAsync("href", "favicon.ico");
            var response = await page.APIRequest.GetAsync("/favicon.ico");
            Assert.Equal(200, response.Status);
            Assert.Equal("image/x-icon", response.Headers["content-type"]);
            var width = await page.EvaluateAsync<int>(
                "() => new Promise(done => { const icon = new Image(); icon.onload = () => done(icon.naturalWidth); icon.onerror = () => done(0);" +
                " icon.src = document.querySelector(\"link[rel='icon']\").href; })");
            Assert.True(width >= 16, $"The favicon decodes as an image ({width} px wide).");
        });
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
        // An empty body: the engine's message ends in "answered 503 (ServiceUnavailable): ", which the page shows without the colon.
        var down = "down-" + Guid.NewGuid().ToString("N")[..6];
        Target.Respond(down, 503, string.Empty);
        var failed = await Scenario.CreateAsync(Api, Scenario.Unique("reader-failed"), "SITE_DEPLOY", Scenario.HttpStep("notify", Target.Url(down)));
        var running = await Scenario.CreateAsync(Api, Scenario.Unique("reader-running"), "SIGN_OFF", Scenario.External("sign-off"));
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

            var answered = $"POST {Target.Url(down)} answered 503 (ServiceUnavailable)";
            await Expect(tab.Row(failed).GetByTestId("why")).ToContainTextAsync($"Failed at step 1 'notify' (http): {answered}");
            Assert.DoesNotMatch(DanglingEnd, await tab.Row(failed).GetByTestId("why").InnerTextAsync());

            await tab.Row(failed).GetByTestId("task-link").ClickAsync();
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("FAILED");
            await Expect(page.GetByTestId("error-top")).ToContainTextAsync($"FuncTasks.Core.Engine.StepFailedException: Step 'notify' (http) failed: {answered}");
            await Expect(page.GetByTestId("error-cause")).ToContainTextAsync($"Caused by FuncTasks.Core.Actions.HttpStepException: {answered}");
            await Expect(tab.Step("notify").GetByTestId("step-error")).ToContainTextAsync($"FuncTasks.Core.Actions.HttpStepException: {answered}");
            await Expect(tab.Step("notify").GetByTestId("attempt")).ToContainTextAsync(answered);
            var texts = await page.Locator("#view p, #view h2").AllInnerTextsAsync();
            Assert.All(texts, text => Assert.DoesNotMatch(DanglingEnd, text));
            await Expect(page.GetByTestId("hint")).ToHaveTextAsync(
                "Fix the cause; with an operator key, this page then offers Retry task (run step 'notify' again as it was) and, on step 'notify', Edit parameters and restart.");
            await Expect(tab.Step("notify")).ToHaveAttributeAsync("data-status", "FAILED");
            await Expect(page.GetByTestId("retry")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("restart-step")).ToHaveCountAsync(0);
            await Expect(page.Locator("button:visible", new() { HasTextRegex = new Regex("Retry|Cancel task|restart", RegexOptions.IgnoreCase) })).ToHaveCountAsync(0);

            // A reader sees what the task waits for, but no button to complete the external step.
            await tab.OpenTaskAsync(running);
            await Expect(tab.Header.GetByTestId("status")).ToHaveTextAsync("IN PROGRESS");
            await Expect(page.GetByTestId("live")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("waiting")).ToHaveAttributeAsync("data-kind", "external");
            await Expect(page.GetByTestId("waiting-hint")).ToHaveTextAsync("With an operator key, this page's Complete step button finishes the wait.");
            await Expect(page.GetByTestId("complete-step")).ToHaveCountAsync(0);
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

    /// <summary>A headline or line that ends in a colon, semicolon or comma: what an empty last part leaves behind.</summary>
    private static readonly Regex DanglingEnd = new(@"[:;,]\s*$");

    private async Task<DashboardSession> OpenWithoutSigningInAsync()
    {
        var session = await DashboardSession.OpenAnonymousAsync(fixture);
        await Expect(session.Page.GetByTestId("key-input")).ToBeVisibleAsync();
        return session;
    }
}
