using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FuncTasks.IntegrationTests.Infrastructure;

public static class TestApi
{
    public static JsonObject Param(string value) => new() { ["strValue"] = value, ["type"] = "STRING" };

    public static JsonObject Param(long value) => new() { ["longValue"] = value, ["type"] = "LONG" };

    public static JsonObject Param(double value) => new() { ["doubleValue"] = value, ["type"] = "DOUBLE" };

    public static JsonObject HttpStep(string name, string url, string method = "POST", long? timeoutSeconds = null)
    {
        var p = new JsonObject { ["url"] = Param(url), ["method"] = Param(method) };
        if (timeoutSeconds is { } t)
        {
            p["timeoutSeconds"] = Param(t);
        }

        return new JsonObject { ["name"] = name, ["action"] = "http", ["params"] = p };
    }

    public static JsonObject DelayStep(string name, double seconds) =>
        new() { ["name"] = name, ["action"] = "delay", ["params"] = new JsonObject { ["seconds"] = Param(seconds) } };

    public static JsonObject Task(string name, params JsonObject[] steps) =>
        new() { ["name"] = name, ["type"] = "TEST_RUN", ["steps"] = new JsonArray(steps) };

    public static async Task<JsonObject> CreateTaskAsync(this HttpClient client, JsonObject task)
    {
        var response = await client.PostAsJsonAsync("/v1/tasks", task);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"POST /v1/tasks answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Polls the task until <paramref name="done"/> holds (synchronisation on observable state, not a sleep).</summary>
    public static Task<JsonObject> WaitForTaskAsync(this HttpClient client, string id, Func<JsonObject, bool> done, TimeSpan? timeout = null) =>
        Eventually.Value(() => client.GetJsonAsync($"/v1/tasks/{id}"), done, $"task {id} reaches the expected state", timeout, describe: t => t.ToJsonString());

    public static Task<JsonObject> WaitForStatusAsync(this HttpClient client, string id, string status, TimeSpan? timeout = null) =>
        client.WaitForTaskAsync(id, t => (string?)t["status"] == status, timeout);

    public static string Str(this JsonNode? node) => node?.GetValue<string>() ?? string.Empty;
}
