using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Notifications;

public static class SubscriptionTestApi
{
    /// <summary>Fast redeliveries and sweeps for tests.</summary>
    public static Dictionary<string, string?> FastSettings() => new()
    {
        ["FuncTasks:Notifications:FirstRetry"] = "00:00:00.200",
        ["FuncTasks:Notifications:SweepInterval"] = "00:00:01",
        ["FuncTasks:Notifications:SubscriptionRefresh"] = "00:00:00.500",
        ["FuncTasks:Notifications:Lease"] = "00:00:08",
        ["FuncTasks:Notifications:DeliveryTimeout"] = "00:00:03",
    };

    public static async Task<JsonObject> SubscribeAsync(this HttpClient client, string url, string[]? events = null, string[]? taskTypes = null)
    {
        var body = new JsonObject { ["url"] = url, ["description"] = "test" };
        if (events is not null)
        {
            body["events"] = new JsonArray(events.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
        }

        if (taskTypes is not null)
        {
            body["taskTypes"] = new JsonArray(taskTypes.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
        }

        var response = await client.PostAsJsonAsync("/v1/subscriptions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"POST /v1/subscriptions answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static JsonObject FailingTask(TargetServer target, string name = "fails") =>
        TestApi.Task(name, TestApi.HttpStep("call", target.Url("boom")));

    public static JsonObject PassingTask(TargetServer target, string name = "passes") =>
        TestApi.Task(name, TestApi.HttpStep("call", target.Url("ok")));
}
