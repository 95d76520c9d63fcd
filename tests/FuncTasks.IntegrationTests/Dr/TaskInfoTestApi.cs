using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Dr;

public static class TaskInfoTestApi
{
    /// <summary>Polls <c>GET /tasks/{id}</c> until <paramref name="done"/> holds (observable state, not a sleep).</summary>
    public static Task<JsonObject> WaitForInfoAsync(this HttpClient client, string id, Func<JsonObject, bool> done) =>
        Eventually.Value(() => client.GetJsonAsync($"/tasks/{id}"), done, $"task {id} reaches the expected state", describe: t => t.ToJsonString());

    /// <summary>Asserts a ResponseError body <c>{error_code, message, op_id}</c> with a uuid op_id; returns it.</summary>
    public static async Task<JsonObject> ResponseErrorAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} (expected {(int)expected}): {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["error_code", "message", "op_id"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(Guid.TryParse(body["op_id"].Str(), out _), $"op_id is not a uuid: {text}");
        Assert.False(string.IsNullOrWhiteSpace(body["message"].Str()));
        return body;
    }

    public static async Task AssertNoBodyAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    public static DateTimeOffset Time(this JsonNode? node)
    {
        var text = node.Str();
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", text);
        return DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }
}
