using FuncTasks.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace FuncTasks.BrowserTests;

/// <summary>The webhooks page: an operator subscribes (the secret shown once), disables, reads the deliveries and deletes; a reader only looks.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SubscriptionsPageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Operator_subscribes_sees_the_secret_once_disables_reads_deliveries_and_deletes()
    {
        await using var tab = await DashboardSession.OpenAsync(fixture, FuncTasksApp.OperatorKey);
        var page = tab.Page;
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        var path = "hook-" + Guid.NewGuid().ToString("N")[..6];
        var url = fixture.Target.Url(path);
        await tab.RunAsync("webhooks", async () =>
        {
            await page.GetByTestId("nav-webhooks").ClickAsync();
            await page.GetByTestId("subscription-url").FillAsync(url);
            await page.GetByTestId("subscription-description").FillAsync("browser test");
            await page.GetByTestId("event-task.succeeded").CheckAsync();
            await page.GetByTestId("subscribe").ClickAsync();
            await Expect(page.GetByTestId("secret")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^whsec_"));
            var row = page.GetByTestId("subscription-row").Filter(new() { HasText = url });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row.GetByTestId("subscription-status")).ToHaveTextAsync("enabled");

            var task = await Scenario.CreateAsync(fixture.Operator, Scenario.Unique("webhook-page"), "WEBHOOK_RUN", TestApi.DelayStep("wait", 0.1));
            await fixture.Operator.WaitForStatusAsync(task, "SUCCESSFUL");
            await row.GetByTestId("subscription-link").ClickAsync();
            await Expect(page.GetByTestId("delivery-row").First).ToContainTextAsync("task.succeeded", new() { Timeout = 30_000 });
            await tab.ScreenshotAsync("webhooks");

            await row.GetByTestId("toggle").ClickAsync();
            await Expect(row.GetByTestId("subscription-status")).ToHaveTextAsync("disabled");
            await row.GetByTestId("delete").ClickAsync();
            await Expect(row).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task A_reader_sees_the_subscriptions_without_the_buttons()
    {
        await using var tab = await DashboardSession.OpenAsync(fixture, FuncTasksApp.ReaderKey, "/subscriptions.html");
        await tab.RunAsync("webhooks-reader", async () =>
        {
            await Expect(tab.Page.GetByTestId("subscriptions")).ToBeVisibleAsync();
            await Expect(tab.Page.GetByTestId("create-form")).ToBeHiddenAsync();
            await Expect(tab.Page.GetByTestId("toggle")).ToHaveCountAsync(0);
        });
    }
}
