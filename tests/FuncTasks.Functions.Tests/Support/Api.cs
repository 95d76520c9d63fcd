using System.Text.Json.Nodes;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>One HTTP request to an API host; <paramref name="PathAndQuery"/> as a client sends it (e.g. <c>/v1/tasks?pageSize=5</c>).</summary>
public sealed record ApiRequest(string Method, string PathAndQuery, JsonNode? Body = null, string Key = ApiKeys.Operator)
{
    public override string ToString() => $"{Method} {PathAndQuery}";
}

/// <summary>What a host answered: status, media type, body, the headers the dialects set, and who served it.</summary>
public sealed record ApiAnswer(int Status, string? MediaType, string Body, IReadOnlyDictionary<string, string> Headers, string ServedBy)
{
    /// <summary>Headers whose presence is part of an answer's shape.</summary>
    public static readonly string[] ShapeHeaders = ["Location", "ETag", "Retry-After", "Idempotent-Replayed"];

    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public JsonObject Object => Json as JsonObject ?? throw new InvalidOperationException($"{ServedBy} answered {Status} without a JSON object: '{Body}'.");

    /// <summary>
    /// The body's shape: its top-level property names, and the property names of each top-level object (the
    /// <c>data</c> of an envelope, the page metadata), in order. Values are left out: the two hosts hold different tasks.
    /// </summary>
    public IReadOnlyList<string> Shape()
    {
        if (Json is not JsonObject root)
        {
            return Json is null ? ["(empty)"] : [$"({Json.GetValueKind()})"];
        }

        var shape = new List<string>();
        foreach (var (name, value) in root)
        {
            shape.Add(name);
            if (value is JsonObject inner)
            {
                shape.AddRange(inner.Select(p => $"{name}.{p.Key}"));
            }
        }

        return shape;
    }

    public override string ToString() => $"{ServedBy}: {Status} {MediaType} {Body}";
}

/// <summary>A host of the API: the Functions app's function methods, or the LocalHost over HTTP.</summary>
public interface IApiHost
{
    string Name { get; }

    Task<ApiAnswer> SendAsync(ApiRequest request);
}

/// <summary>The keys both hosts are configured with (as in tests/FuncTasks.IntegrationTests).</summary>
public static class ApiKeys
{
    public const string Operator = "test-operator-secret";
    public const string Reader = "test-reader-secret";

    public static IEnumerable<KeyValuePair<string, string?>> Settings() => new Dictionary<string, string?>
    {
        ["FuncTasks:Auth:Keys:0:Name"] = "test-operator",
        ["FuncTasks:Auth:Keys:0:Secret"] = Operator,
        ["FuncTasks:Auth:Keys:0:Role"] = "operator",
        ["FuncTasks:Auth:Keys:1:Name"] = "test-reader",
        ["FuncTasks:Auth:Keys:1:Secret"] = Reader,
        ["FuncTasks:Auth:Keys:1:Role"] = "reader",
    };
}

/// <summary>Request bodies and the calls the scenarios share, in every dialect.</summary>
public static class ApiCalls
{
    public static JsonObject Param(string value) => new() { ["strValue"] = value, ["type"] = "STRING" };

    public static JsonObject Param(long value) => new() { ["longValue"] = value, ["type"] = "LONG" };

    public static JsonObject Param(double value) => new() { ["doubleValue"] = value, ["type"] = "DOUBLE" };

    public static JsonObject HttpStep(string name, string url) =>
        new() { ["name"] = name, ["action"] = "http", ["params"] = new JsonObject { ["url"] = Param(url), ["method"] = Param("POST"), ["timeoutSeconds"] = Param(10L) } };

    public static JsonObject DelayStep(string name, double seconds) =>
        new() { ["name"] = name, ["action"] = "delay", ["params"] = new JsonObject { ["seconds"] = Param(seconds) } };

    public static JsonObject ExternalStep(string name) => new() { ["name"] = name, ["action"] = "external" };

    public static JsonObject Task(string name, params JsonObject[] steps) =>
        new() { ["name"] = name, ["type"] = "FUNCTIONS_TEST", ["steps"] = new JsonArray(steps) };

    /// <summary>A string the answer must carry (an id).</summary>
    public static string Text(ApiAnswer answer, Func<ApiAnswer, JsonNode?> select) =>
        select(answer) is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new InvalidOperationException($"The answer lacks the expected value: {answer}");

    public static async Task<ApiAnswer> SendOkAsync(this IApiHost host, ApiRequest request, int expected = 200)
    {
        var answer = await host.SendAsync(request);
        Assert.True(answer.Status == expected, $"{request} on {host.Name} answered {answer.Status}, expected {expected}: {answer.Body}");
        return answer;
    }

    public static Task<ApiAnswer> GetAsync(this IApiHost host, string path) => host.SendOkAsync(new ApiRequest("GET", path));

    /// <summary>POST /v1/tasks; returns the new task's id.</summary>
    public static async Task<string> CreateTaskAsync(this IApiHost host, JsonObject task) =>
        Text(await host.SendOkAsync(new ApiRequest("POST", "/v1/tasks", task), 202), a => a.Object["id"]);

    /// <summary>Polls the task (GET /v1/tasks/{id}) until <paramref name="done"/> holds: synchronisation on observable state, with a deadline.</summary>
    public static Task<JsonObject> WaitForTaskAsync(this IApiHost host, string id, Func<JsonObject, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.Value(async () => (await host.GetAsync($"/v1/tasks/{id}")).Object, done, $"{host.Name}: task {id} becomes {what}", timeout,
            TimeSpan.FromMilliseconds(25), t => t.ToJsonString());

    public static Task<JsonObject> WaitForStatusAsync(this IApiHost host, string id, string status) =>
        host.WaitForTaskAsync(id, t => (string?)t["status"] == status, status);

    /// <summary>Waits until the task's step <paramref name="index"/> has started (an external step then waits for its completion).</summary>
    public static Task<JsonObject> WaitForStepStartedAsync(this IApiHost host, string id, int index) =>
        host.WaitForTaskAsync(id, t => (string?)t["subTasks"]?[index]?["status"] == "IN_PROGRESS", $"running step {index}");

    /// <summary>POST /v1/jobs; returns the job's id (Flatfile: <c>{data: job}</c>).</summary>
    public static async Task<string> CreateJobAsync(this IApiHost host, JsonObject job) =>
        Text(await host.SendOkAsync(new ApiRequest("POST", "/v1/jobs", job)), a => a.Object["data"]?["id"]);

    public static JsonObject AgentJob(string trigger = "immediate") =>
        new() { ["type"] = "workbook", ["operation"] = "submitAction", ["source"] = "us_wb_functions", ["trigger"] = trigger };

    public static JsonObject PlannedJob(string trigger, params JsonObject[] steps)
    {
        var job = AgentJob(trigger);
        job["plan"] = new JsonObject { ["steps"] = new JsonArray(steps) };
        return job;
    }

    public static Task<ApiAnswer> JobActionAsync(this IApiHost host, string id, string action, JsonObject? body = null) =>
        host.SendOkAsync(new ApiRequest("POST", $"/v1/jobs/{id}/{action}", body));

    /// <summary>POST /api/v1/workflows; returns the workflow's id (Cognaize: <c>{message, timestamp, data, version}</c>).</summary>
    public static async Task<string> CreateWorkflowAsync(this IApiHost host) =>
        Text(await host.SendOkAsync(new ApiRequest("POST", "/api/v1/workflows", new JsonObject
        {
            ["name"] = "notify",
            ["type"] = "FUNCTIONS_TEST",
            ["steps"] = new JsonArray(new JsonObject
            {
                ["name"] = "notify",
                ["action"] = "http",
                ["params"] = new JsonObject { ["url"] = new JsonObject { ["type"] = "STRING" }, ["method"] = Param("POST") },
            }),
        })), a => a.Object["data"]?["workflowId"]);
}
