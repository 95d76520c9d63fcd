using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Flatfile;

/// <summary>Requests and checks in the Flatfile dialect: bodies are <c>{data}</c>, errors <c>{errors: [{key?, message}]}</c>.</summary>
public static class JobsTestApi
{
    public static JsonObject AgentJob(string operation = "submitAction", string trigger = "immediate", string source = "us_wb_test") =>
        new() { ["type"] = "workbook", ["operation"] = operation, ["source"] = source, ["trigger"] = trigger };

    public static JsonObject PlannedJob(string operation, params JsonObject[] steps)
    {
        var job = AgentJob(operation);
        job["plan"] = new JsonObject { ["steps"] = new JsonArray(steps) };
        return job;
    }

    public static async Task<JsonObject> CreateJobAsync(this HttpClient client, JsonObject job)
    {
        var response = await client.PostAsJsonAsync("/v1/jobs", job);
        return await response.DataAsync(HttpStatusCode.OK, "POST /v1/jobs");
    }

    public static Task<HttpResponseMessage> PostJobAsync(this HttpClient client, string id, string action, JsonObject? body = null) =>
        client.PostAsync($"/v1/jobs/{id}/{action}", body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>POST /v1/jobs/{id}/{action} that must answer 200: its <c>data</c>.</summary>
    public static async Task<JsonObject> JobActionAsync(this HttpClient client, string id, string action, JsonObject? body = null) =>
        await (await client.PostJobAsync(id, action, body)).DataAsync(HttpStatusCode.OK, $"POST /v1/jobs/{id}/{action}");

    public static async Task<JsonObject> GetJobAsync(this HttpClient client, string id) =>
        await (await client.GetAsync($"/v1/jobs/{id}")).DataAsync(HttpStatusCode.OK, $"GET /v1/jobs/{id}");

    /// <summary>Polls the job until <paramref name="done"/> holds (synchronisation on observable state, not a sleep).</summary>
    public static Task<JsonObject> WaitForJobAsync(this HttpClient client, string id, Func<JsonObject, bool> done, TimeSpan? timeout = null) =>
        Eventually.Value(() => client.GetJobAsync(id), done, $"job {id} reaches the expected state", timeout, describe: j => j.ToJsonString());

    public static async Task<JsonObject> GetPlanAsync(this HttpClient client, string id) =>
        await (await client.GetAsync($"/v1/jobs/{id}/plan")).DataAsync(HttpStatusCode.OK, $"GET /v1/jobs/{id}/plan");

    /// <summary>Polls the job's plan until <paramref name="done"/> holds for its steps.</summary>
    public static Task<JsonArray> WaitForPlanAsync(this HttpClient client, string id, Func<JsonArray, bool> done, TimeSpan? timeout = null) =>
        Eventually.Value(async () => (await client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray(), done,
            $"the plan of job {id} reaches the expected state", timeout, describe: steps => steps.ToJsonString());

    public static string StatusOf(this JsonArray steps, int index) => steps[index]!["status"].Str();

    public static Task<JsonObject> WaitForJobStatusAsync(this HttpClient client, string id, string status, TimeSpan? timeout = null) =>
        client.WaitForJobAsync(id, j => j["status"].Str() == status, timeout);

    public static async Task<JsonObject> DataAsync(this HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{what} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        var data = JsonNode.Parse(body)!["data"];
        Assert.True(data is JsonObject, $"{what}: the body has no 'data' object: {body}");
        return data!.AsObject();
    }

    /// <summary>Asserts the status and the Flatfile error body; returns the (single) error's message.</summary>
    public static async Task<string> ErrorAsync(this HttpResponseMessage response, HttpStatusCode expected, string? key = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        var root = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(["errors"], root.Select(p => p.Key));
        var error = Assert.Single(root["errors"]!.AsArray())!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace(error["message"].Str()), body);
        if (key is not null)
        {
            Assert.Equal(key, error["key"].Str());
        }

        return error["message"].Str();
    }

    public static DateTimeOffset Time(this JsonNode? node) => DateTimeOffset.Parse(node.Str(), System.Globalization.CultureInfo.InvariantCulture);
}
