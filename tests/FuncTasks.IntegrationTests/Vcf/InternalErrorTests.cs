using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncTasks.IntegrationTests.Vcf;

public sealed class InternalErrorTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("LIST")]
    public async Task A_storage_failure_returns_500_with_a_reference_token_that_is_in_the_log_and_no_exception_text(string method)
    {
        var logs = new CapturedLogs();
        await using var app = new FuncTasksApp(services: s => s.AddSingleton<ILoggerProvider>(logs));
        var client = app.Operator();
        await client.GetAsync("/v1/tasks");
        await app.TasksTable.DeleteAsync();

        var response = method == "LIST"
            ? await client.GetAsync("/v1/tasks?taskStatus=FAILED")
            : await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/v1/tasks/{FuncTasks.Core.Model.TaskIds.NewTaskId(TimeProvider.System)}"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        VcfSchema.AssertValid("Error", body);
        var token = JsonNode.Parse(body)!["referenceToken"].Str();
        Assert.True(Guid.TryParse(token, out _));
        Assert.DoesNotContain("TableNotFound", body);
        Assert.DoesNotContain("   at ", body);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(token) && e.Exception is not null);
    }

    [Fact]
    public void A_max_steps_that_one_transaction_cannot_store_stops_the_host_at_start()
    {
        // Through the host's own start-up validator: a test host that fails to start races WebApplicationFactory's
        // disposal (an ObjectDisposedException now and then instead of the refusal).
        Assert.Null(StartupValidation.Refusal(new Dictionary<string, string?> { ["FuncTasks:Engine:MaxSteps"] = "99" }));

        var error = StartupValidation.Refusal(new Dictionary<string, string?> { ["FuncTasks:Engine:MaxSteps"] = "150" });

        Assert.NotNull(error);
        Assert.Contains("MaxSteps", error.ToString());
    }

    [Fact]
    public void The_schema_check_rejects_a_body_that_breaks_the_vcf_schema()
    {
        Assert.NotEmpty(VcfSchema.Errors("Task", """{"name":"no id, status or creationTimestamp"}"""));
        Assert.NotEmpty(VcfSchema.Errors("Error", """{"arguments":"not an array"}"""));
        Assert.Empty(VcfSchema.Errors("Error", """{"message":"fine","arguments":[]}"""));
    }
}
