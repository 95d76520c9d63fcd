using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Cognaize;

/// <summary>Helpers for the Cognaize dialect: workflows, processes, and the envelope every answer comes in.</summary>
public static class ProcessTestApi
{
    /// <summary>The envelope's <c>version</c>: FuncTasks.Api's informational version.</summary>
    public static string ServiceVersion { get; } = typeof(FuncTasks.Api.FuncTasksApi).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    public static JsonObject Input(string type) => new() { ["type"] = type };

    public static JsonObject Step(string name, string action, JsonObject? parameters = null) =>
        new() { ["name"] = name, ["action"] = action, ["params"] = parameters ?? new JsonObject() };

    public static JsonObject Http(string name, string url) =>
        Step(name, "http", new JsonObject { ["url"] = TestApi.Param(url), ["method"] = TestApi.Param("POST") });

    public static JsonObject External(string name) => Step(name, "external");

    public static JsonObject Workflow(string name, params JsonObject[] steps) =>
        new() { ["name"] = name, ["type"] = "TEST_PROCESS", ["steps"] = new JsonArray(steps) };

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Reads an answer that must be a Cognaize envelope with the given status; returns it.</summary>
    public static async Task<JsonObject> EnvelopeAsync(this HttpResponseMessage response, HttpStatusCode expected, string? message = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}: {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["data", "message", "timestamp", "version"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(DateTimeOffset.TryParse(body["timestamp"].Str(), out var timestamp), $"timestamp is not ISO-8601: {text}");
        Assert.Equal(TimeSpan.Zero, timestamp.Offset);
        Assert.EndsWith("Z", body["timestamp"].Str());
        Assert.Equal(ServiceVersion, body["version"].Str());
        if (message is not null)
        {
            Assert.Equal(message, body["message"].Str());
        }

        return body;
    }

    /// <summary>Asserts a 412 envelope whose data names <paramref name="precondition"/>; returns the data.</summary>
    public static async Task<JsonObject> PreconditionFailedAsync(this HttpResponseMessage response, string precondition)
    {
        var body = await response.EnvelopeAsync(HttpStatusCode.PreconditionFailed, "Precondition failed");
        var data = body["data"]!.AsObject();
        Assert.Equal(precondition, data["precondition"].Str());
        Assert.False(string.IsNullOrWhiteSpace(data["reason"].Str()), $"412 without a reason: {body.ToJsonString()}");
        return data;
    }

    public static async Task<string> CreateWorkflowAsync(this HttpClient client, JsonObject workflow)
    {
        var body = await (await client.PostAsJsonAsync("/api/v1/workflows", workflow)).EnvelopeAsync(HttpStatusCode.OK, "Workflow created");
        return body["data"]!["workflowId"].Str();
    }

    /// <summary>Starts a process; returns the start data (processId, processStepId, workflowId, status, params).</summary>
    public static async Task<JsonObject> StartProcessAsync(this HttpClient client, string workflowId, JsonObject? parameters = null)
    {
        var request = new JsonObject { ["workflowId"] = workflowId, ["params"] = parameters ?? new JsonObject() };
        var body = await (await client.PostAsJsonAsync("/api/v1/processes/start", request)).EnvelopeAsync(HttpStatusCode.OK, "Process started");
        return body["data"]!.AsObject();
    }

    public static async Task<JsonObject> GetProcessAsync(this HttpClient client, string processId) =>
        (await (await client.GetAsync($"/api/v1/processes/{processId}")).EnvelopeAsync(HttpStatusCode.OK))["data"]!.AsObject();

    /// <summary>Polls the process until <paramref name="done"/> holds (observable state, not a sleep).</summary>
    public static Task<JsonObject> WaitForProcessAsync(this HttpClient client, string processId, Func<JsonObject, bool> done) =>
        Eventually.Value(() => client.GetProcessAsync(processId), done, $"process {processId} reaches the expected state", describe: p => p.ToJsonString());

    public static Task<JsonObject> WaitForProcessStatusAsync(this HttpClient client, string processId, string status) =>
        client.WaitForProcessAsync(processId, p => p["status"].Str() == status);

    public static Task<JsonObject> WaitForStepStatusAsync(this HttpClient client, string processId, int step, string status) =>
        client.WaitForProcessAsync(processId, p => p["steps"]![step]!["status"].Str() == status);

    public static JsonObject StepOf(this JsonObject process, int index) => process["steps"]![index]!.AsObject();

    public static string[] StepStatuses(this JsonObject process) => process["steps"]!.AsArray().Select(s => s!["status"].Str()).ToArray();

    public static async Task<HttpResponseMessage> RestartAsync(this HttpClient client, string stepId, JsonObject? parameters = null) =>
        await client.PostAsJsonAsync("/api/v1/processes/restart-failed-step",
            new JsonObject { ["processStepId"] = stepId, ["params"] = parameters ?? new JsonObject() });

    public static async Task<HttpResponseMessage> CompleteStepAsync(this HttpClient client, string stepId, JsonObject? parameters = null) =>
        await client.PostAsJsonAsync("/api/v1/processes/complete-step",
            new JsonObject { ["processStepId"] = stepId, ["params"] = parameters ?? new JsonObject() });
}
