using Azure;
using Azure.Storage.Queues;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>What counts as storage being out, from what the real Azure SDK throws.</summary>
public sealed class AzureStorageFaultsTests
{
    private readonly AzureStorageFaults _faults = new();

    [Theory]
    [InlineData(503, "application/xml", "")] // the SDK fails to read it as XML and throws XmlException, not RequestFailedException
    [InlineData(500, "application/xml", "<html>gateway error")]
    [InlineData(502, "text/html", "<html>gateway error</html>")]
    [InlineData(503, "application/xml", "<?xml version=\"1.0\"?><Error><Code>ServerBusy</Code><Message>busy</Message></Error>")]
    public async Task A_server_error_whatever_its_body_is_an_outage(int status, string contentType, string body)
    {
        // A loopback server in front of nothing, answering as a broken gateway would; the queue SDK reads the answer.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Loopback.FreePort()}");
        await using var gateway = builder.Build();
        gateway.Run(async http =>
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = contentType;
            await http.Response.WriteAsync(body);
        });
        await gateway.StartAsync();
        var options = new QueueClientOptions();
        options.Retry.MaxRetries = 0;
        var queue = new QueueClient(new Uri($"{gateway.Urls.First()}/devstoreaccount1/runs"), options);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => queue.ReceiveMessagesAsync(1));

        Assert.True(_faults.IsUnavailable(error), $"{error.GetType().Name}: {error.Message}");
    }

    [Fact]
    public void A_lost_etag_race_or_a_missing_row_is_not_an_outage()
    {
        Assert.False(_faults.IsUnavailable(new RequestFailedException(412, "UpdateConditionNotSatisfied")));
        Assert.False(_faults.IsUnavailable(new RequestFailedException(404, "ResourceNotFound")));
        Assert.False(_faults.IsUnavailable(new InvalidOperationException("a bug")));
        Assert.True(_faults.IsUnavailable(new RequestFailedException(503, "ServerBusy")));
    }
}
