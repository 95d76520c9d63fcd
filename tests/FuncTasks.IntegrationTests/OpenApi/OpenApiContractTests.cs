using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Flatfile;
using Xunit.Abstractions;

namespace FuncTasks.IntegrationTests.OpenApi;

/// <summary>
/// The served OpenAPI document against the wire: real requests of every dialect (successes and refusals), each answer
/// validated against the schema <c>/openapi/v1.json</c> declares for its path, method and status.
/// </summary>
public sealed class OpenApiContractTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly FuncTasksApp _app = new(new Dictionary<string, string?>
    {
        // A reader key may not read task info: the dialect's 403.
        ["FuncTasks:TaskInfo:AllowedKeys:0"] = "test-operator",
        ["FuncTasks:RateLimit:Enabled"] = "false",
    });

    // One request at once and one a second: the second request in a row is refused with 429.
    private readonly FuncTasksApp _limited = new(new Dictionary<string, string?>
    {
        ["FuncTasks:RateLimit:TokenLimit"] = "1",
        ["FuncTasks:RateLimit:TokensPerSecond"] = "1",
        ["FuncTasks:Runner:Enabled"] = "false",
    });

    private TargetServer _target = null!;

    public async Task InitializeAsync() => _target = await TargetServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        await _app.DisposeAsync();
        await _limited.DisposeAsync();
    }

    [Fact]
    public async Task Every_real_response_of_every_dialect_validates_against_the_served_document()
    {
        var exchanges = new Exchanges(_app);
        await TasksAsync(exchanges);
        await JobsAsync(exchanges);
        await ProcessesAsync(exchanges);
        await TaskInfoAsync(exchanges);
        await TooManyRequestsAsync(exchanges);

        using var anonymous = _app.Anonymous();
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var schemas = new OpenApiSchemas(document);
        var problems = new List<string>();
        foreach (var exchange in exchanges.All)
        {
            var found = Check(schemas, exchange);
            output.WriteLine($"{(found.Count == 0 ? "valid  " : "INVALID")} {exchange}");
            foreach (var problem in found)
            {
                output.WriteLine("        " + problem);
            }

            problems.AddRange(found.Select(p => $"{exchange}: {p}"));
        }

        var invalid = exchanges.All.Count(e => Check(schemas, e).Count > 0);
        output.WriteLine($"{exchanges.All.Count} responses, {invalid} invalid");
        var covered = exchanges.All.Select(e => e.Status).ToHashSet();
        Assert.Superset(new HashSet<int> { 200, 202, 400, 401, 403, 404, 409, 412, 429, 501 }, covered);
        Assert.True(problems.Count == 0, $"{invalid} of {exchanges.All.Count} responses contradict the document:\n{string.Join("\n", problems)}");
    }

    /// <summary>What contradicts the document in one exchange: an undeclared status, a body where none is declared or none where one is, or a body its schema refuses.</summary>
    private static List<string> Check(OpenApiSchemas schemas, Exchange exchange)
    {
        var response = schemas.Response(exchange.Method, exchange.Template, exchange.Status);
        if (response is null)
        {
            return [$"status {exchange.Status} is not declared for {exchange.Method} {exchange.Template}"];
        }

        var media = response["content"]?["application/json"];
        if (exchange.Body.Length == 0)
        {
            return media?["schema"] is null ? [] : ["the document declares a JSON body, the response has none"];
        }

        if (media?["schema"] is not { } schema)
        {
            return [$"the response has a body the document does not declare: {Excerpt(exchange.Body)}"];
        }

        if (exchange.ContentType is not "application/json")
        {
            return [$"the response is {exchange.ContentType}, the document declares application/json"];
        }

        return schemas.Errors(schema, JsonNode.Parse(exchange.Body)).Select(e => $"{e} in {Excerpt(exchange.Body)}").ToList();
    }

    private static string Excerpt(string body) => body.Length <= 400 ? body : body[..400] + "…";

    private async Task TasksAsync(Exchanges x)
    {
        _target.Respond("down", 503, "maintenance window");
        var failing = TestApi.Task("contract-fails", TestApi.DelayStep("warm-up", 0.01), TestApi.HttpStep("notify", _target.Url("down")));
        var failed = (await x.SendAsync(HttpMethod.Post, "/v1/tasks", "/v1/tasks", failing, 202))!["id"].Str();
        var running = (await x.SendAsync(HttpMethod.Post, "/v1/tasks", "/v1/tasks",
            TestApi.Task("contract-runs", TestApi.DelayStep("wait", 60)), 202))!["id"].Str();
        await x.Operator.WaitForStatusAsync(failed, "FAILED");

        await x.SendAsync(HttpMethod.Get, "/v1/tasks/{id}", $"/v1/tasks/{failed}", null, 200);
        await x.SendAsync(HttpMethod.Get, "/v1/tasks/{id}", $"/v1/tasks/{running}", null, 200);
        await x.SendAsync(HttpMethod.Get, "/v1/tasks/{id}", $"/v1/tasks/{Guid.NewGuid()}", null, 404);
        await x.SendAsync(HttpMethod.Get, "/v1/tasks", "/v1/tasks", null, 200);
        await x.SendAsync(HttpMethod.Get, "/v1/tasks", "/v1/tasks?pageSize=0", null, 400);
        await x.SendAsync(HttpMethod.Get, "/v1/tasks/{id}/events", $"/v1/tasks/{failed}/events", null, 200);
        await x.SendAsync(HttpMethod.Get, "/v1/tasks/{id}/events", $"/v1/tasks/{Guid.NewGuid()}/events", null, 404);
        await x.SendAsync(HttpMethod.Post, "/v1/tasks", "/v1/tasks", new JsonObject(), 400);
        await x.SendAsync(HttpMethod.Post, "/v1/tasks", "/v1/tasks", failing, 401, x.Anonymous);
        await x.SendAsync(HttpMethod.Post, "/v1/tasks", "/v1/tasks", failing, 403, x.Reader);
        await x.SendAsync(HttpMethod.Post, "/v1/tasks", "/v1/tasks", TestApi.Task("keyed", TestApi.DelayStep("a", 0.01)), 202, idempotencyKey: "contract-vcf");
        await x.SendAsync(HttpMethod.Post, "/v1/tasks", "/v1/tasks", TestApi.Task("keyed", TestApi.DelayStep("b", 0.01)), 409, idempotencyKey: "contract-vcf");

        await x.SendAsync(HttpMethod.Patch, "/v1/tasks/{id}", $"/v1/tasks/{running}", null, 409);
        await x.SendAsync(HttpMethod.Patch, "/v1/tasks/{id}", $"/v1/tasks/{failed}", null, 403, x.Reader);
        await x.SendAsync(HttpMethod.Patch, "/v1/tasks/{id}", $"/v1/tasks/{Guid.NewGuid()}", null, 404);
        await x.SendAsync(HttpMethod.Patch, "/v1/tasks/{id}", $"/v1/tasks/{failed}", null, 200);
        await x.SendAsync(HttpMethod.Delete, "/v1/tasks/{id}", $"/v1/tasks/{running}", null, 200);
        await x.SendAsync(HttpMethod.Delete, "/v1/tasks/{id}", $"/v1/tasks/{running}", null, 409);
        await x.SendAsync(HttpMethod.Delete, "/v1/tasks/{id}", $"/v1/tasks/{Guid.NewGuid()}", null, 404);
        await x.SendAsync(HttpMethod.Get, "/v1/tasks/{id}", $"/v1/tasks/{running}", null, 200);
        x.Failed = failed;
        x.Running = running;
    }

    private static async Task JobsAsync(Exchanges x)
    {
        var manual = new JsonObject { ["type"] = "workbook", ["operation"] = "submitAction", ["source"] = "us_wb_contract", ["trigger"] = "manual" };
        var agent = (await x.SendAsync(HttpMethod.Post, "/v1/jobs", "/v1/jobs", manual, 200))!["data"]!["id"].Str();
        await x.SendAsync(HttpMethod.Get, "/v1/jobs/{jobId}", $"/v1/jobs/{agent}", null, 200);
        await x.SendAsync(HttpMethod.Patch, "/v1/jobs/{jobId}", $"/v1/jobs/{agent}", new JsonObject { ["info"] = "waiting for an agent" }, 200);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/execute", $"/v1/jobs/{agent}/execute", null, 200);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/execute", $"/v1/jobs/{agent}/execute", null, 409);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/ack", $"/v1/jobs/{agent}/ack", new JsonObject { ["info"] = "reading", ["progress"] = 30 }, 200);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/fail", $"/v1/jobs/{agent}/fail",
            new JsonObject { ["outcome"] = new JsonObject { ["message"] = "Row 7 is invalid" } }, 200);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/retry", $"/v1/jobs/{agent}/retry", null, 200);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/outcome/ack", $"/v1/jobs/{agent}/outcome/ack", null, 409);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/complete", $"/v1/jobs/{agent}/complete",
            new JsonObject { ["outcome"] = new JsonObject { ["message"] = "10 rows submitted" } }, 200);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/outcome/ack", $"/v1/jobs/{agent}/outcome/ack", null, 200);
        await x.SendAsync(HttpMethod.Delete, "/v1/jobs/{jobId}", $"/v1/jobs/{agent}", null, 200);

        var planned = manual.DeepClone().AsObject();
        planned["plan"] = new JsonObject { ["steps"] = new JsonArray(TestApi.DelayStep("first", 0.01), TestApi.DelayStep("second", 0.01)) };
        var plan = (await x.SendAsync(HttpMethod.Post, "/v1/jobs", "/v1/jobs", planned, 200))!["data"]!["id"].Str();
        await x.SendAsync(HttpMethod.Get, "/v1/jobs/{jobId}/plan", $"/v1/jobs/{plan}/plan", null, 200);
        await x.SendAsync(HttpMethod.Put, "/v1/jobs/{jobId}/plan", $"/v1/jobs/{plan}/plan",
            new JsonObject { ["steps"] = new JsonArray(TestApi.DelayStep("only", 0.01)) }, 200);
        await x.SendAsync(HttpMethod.Patch, "/v1/jobs/{jobId}/plan", $"/v1/jobs/{plan}/plan",
            new JsonObject { ["steps"] = new JsonArray(new JsonObject { ["index"] = 0, ["params"] = new JsonObject { ["seconds"] = TestApi.Param(0.02) } }) }, 200);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/execute", $"/v1/jobs/{plan}/execute", null, 200);
        await JobsTestApi.WaitForJobStatusAsync(x.Operator, plan, "complete");
        await x.SendAsync(HttpMethod.Get, "/v1/jobs/{jobId}/plan", $"/v1/jobs/{plan}/plan", null, 200);
        await x.SendAsync(HttpMethod.Put, "/v1/jobs/{jobId}/plan", $"/v1/jobs/{plan}/plan",
            new JsonObject { ["steps"] = new JsonArray(TestApi.DelayStep("late", 0.01)) }, 409);

        var ready = new JsonObject { ["type"] = "workbook", ["operation"] = "submitAction", ["source"] = "us_wb_contract", ["trigger"] = "immediate" };
        var parent = (await x.SendAsync(HttpMethod.Post, "/v1/jobs", "/v1/jobs", ready, 200))!["data"]!["id"].Str();
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/split", $"/v1/jobs/{parent}/split", new JsonObject { ["parts"] = 2 }, 200);
        await x.SendAsync(HttpMethod.Get, "/v1/jobs", $"/v1/jobs?parentId={parent}", null, 200);
        var cancelled = (await x.SendAsync(HttpMethod.Post, "/v1/jobs", "/v1/jobs", ready, 200))!["data"]!["id"].Str();
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/{jobId}/cancel", $"/v1/jobs/{cancelled}/cancel", new JsonObject { ["info"] = "not needed" }, 200);

        await x.SendAsync(HttpMethod.Get, "/v1/jobs", "/v1/jobs", null, 200);
        await x.SendAsync(HttpMethod.Get, "/v1/jobs", "/v1/jobs?pageSize=0", null, 400);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs", "/v1/jobs", new JsonObject(), 400);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs", "/v1/jobs", ready, 401, x.Anonymous);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs", "/v1/jobs", ready, 403, x.Reader);
        await x.SendAsync(HttpMethod.Get, "/v1/jobs/{jobId}", $"/v1/jobs/{Guid.NewGuid()}", null, 404);
        await x.SendAsync(HttpMethod.Post, "/v1/jobs", "/v1/jobs", ready, 200, idempotencyKey: "contract-jobs");
        await x.SendAsync(HttpMethod.Post, "/v1/jobs", "/v1/jobs", manual, 409, idempotencyKey: "contract-jobs");
        await x.SendAsync(HttpMethod.Post, "/v1/jobs/preview-mutation", "/v1/jobs/preview-mutation", new JsonObject(), 501);
    }

    private async Task ProcessesAsync(Exchanges x)
    {
        _target.Respond("ok", 200, "fine");
        var notify = new JsonObject
        {
            ["name"] = "contract-notify",
            ["type"] = "CONTRACT",
            ["steps"] = new JsonArray(new JsonObject
            {
                ["name"] = "notify",
                ["action"] = "http",
                ["params"] = new JsonObject { ["url"] = new JsonObject { ["type"] = "STRING" }, ["method"] = TestApi.Param("POST") },
            }),
        };
        var workflow = (await x.SendAsync(HttpMethod.Post, "/api/v1/workflows", "/api/v1/workflows", notify, 200))!["data"]!["workflowId"].Str();
        await x.SendAsync(HttpMethod.Get, "/api/v1/workflows/{workflowId}", $"/api/v1/workflows/{workflow}", null, 200);
        await x.SendAsync(HttpMethod.Get, "/api/v1/workflows/{workflowId}", $"/api/v1/workflows/{Guid.NewGuid()}", null, 412);
        await x.SendAsync(HttpMethod.Post, "/api/v1/workflows", "/api/v1/workflows", new JsonObject(), 412);

        var start = new JsonObject { ["workflowId"] = workflow, ["params"] = new JsonObject { ["url"] = TestApi.Param(_target.Url("down")) } };
        var started = (await x.SendAsync(HttpMethod.Post, "/api/v1/processes/start", "/api/v1/processes/start", start, 200))!["data"]!;
        var process = started["processId"].Str();
        await ProcessTestApiWaitAsync(x, process, "FAILED");
        await x.SendAsync(HttpMethod.Get, "/api/v1/processes/{processId}", $"/api/v1/processes/{process}", null, 200);
        await x.SendAsync(HttpMethod.Get, "/api/v1/processes/{processId}", $"/api/v1/processes/{Guid.NewGuid()}", null, 412);
        await x.SendAsync(HttpMethod.Post, "/api/v1/processes/complete-step", "/api/v1/processes/complete-step",
            new JsonObject { ["processStepId"] = started["processStepId"].Str() }, 412);
        await x.SendAsync(HttpMethod.Post, "/api/v1/processes/restart-failed-step", "/api/v1/processes/restart-failed-step",
            new JsonObject { ["processStepId"] = started["processStepId"].Str(), ["params"] = new JsonObject { ["url"] = TestApi.Param(_target.Url("ok")) } }, 200);
        await x.SendAsync(HttpMethod.Post, "/api/v1/processes/restart-failed-step", "/api/v1/processes/restart-failed-step",
            new JsonObject { ["processStepId"] = Guid.NewGuid().ToString() }, 412);
        await ProcessTestApiWaitAsync(x, process, "COMPLETED");
        await x.SendAsync(HttpMethod.Get, "/api/v1/processes/{processId}", $"/api/v1/processes/{process}", null, 200);

        var approval = new JsonObject
        {
            ["name"] = "contract-approval",
            ["steps"] = new JsonArray(new JsonObject { ["name"] = "approve", ["action"] = "external", ["params"] = new JsonObject() }),
        };
        var approvalId = (await x.SendAsync(HttpMethod.Post, "/api/v1/workflows", "/api/v1/workflows", approval, 200))!["data"]!["workflowId"].Str();
        var waiting = (await x.SendAsync(HttpMethod.Post, "/api/v1/processes/start", "/api/v1/processes/start",
            new JsonObject { ["workflowId"] = approvalId }, 200))!["data"]!;
        await ProcessTestApiWaitAsync(x, waiting["processId"].Str(), "STARTED", step: true);
        await x.SendAsync(HttpMethod.Post, "/api/v1/processes/complete-step", "/api/v1/processes/complete-step",
            new JsonObject { ["processStepId"] = waiting["processStepId"].Str(), ["params"] = new JsonObject { ["approvedBy"] = TestApi.Param("ops@example.com") } }, 200);

        await x.SendAsync(HttpMethod.Post, "/api/v1/processes/start", "/api/v1/processes/start", new JsonObject { ["workflowId"] = Guid.NewGuid().ToString() }, 412);
        await x.SendAsync(HttpMethod.Post, "/api/v1/processes/start", "/api/v1/processes/start", start, 401, x.Anonymous);
        await x.SendAsync(HttpMethod.Post, "/api/v1/processes/start", "/api/v1/processes/start", start, 401, x.Reader);
        await x.SendAsync(HttpMethod.Post, "/api/v1/processes/start", "/api/v1/processes/start",
            new JsonObject { ["workflowId"] = approvalId }, 200, idempotencyKey: "contract-processes");
        await x.SendAsync(HttpMethod.Post, "/api/v1/processes/start", "/api/v1/processes/start",
            new JsonObject { ["workflowId"] = workflow }, 409, idempotencyKey: "contract-processes");
    }

    private static Task ProcessTestApiWaitAsync(Exchanges x, string processId, string status, bool step = false) =>
        Eventually.Value(
            async () => JsonNode.Parse(await x.Operator.GetStringAsync($"/api/v1/processes/{processId}"))!["data"]!,
            data => (step ? data["steps"]![0]!["status"].Str() : data["status"].Str()) == status,
            $"process {processId} reaches {status}",
            describe: data => data.ToJsonString());

    private static async Task TaskInfoAsync(Exchanges x)
    {
        await x.SendAsync(HttpMethod.Get, "/tasks", "/tasks", null, 200);
        await x.SendAsync(HttpMethod.Get, "/tasks", "/tasks?limit=0", null, 400);
        await x.SendAsync(HttpMethod.Get, "/tasks", "/tasks", null, 401, x.Anonymous);
        await x.SendAsync(HttpMethod.Get, "/tasks", "/tasks", null, 403, x.Reader);
        await x.SendAsync(HttpMethod.Get, "/tasks/{task_id}", $"/tasks/{x.Failed}", null, 200);
        await x.SendAsync(HttpMethod.Get, "/tasks/{task_id}", $"/tasks/{x.Running}", null, 200);
        await x.SendAsync(HttpMethod.Get, "/tasks/{task_id}", "/tasks/not-a-uuid", null, 400);
        await x.SendAsync(HttpMethod.Get, "/tasks/{task_id}", $"/tasks/{Guid.NewGuid()}", null, 404);
        await x.SendAsync(HttpMethod.Get, "/tasks/{task_id}", $"/tasks/{x.Failed}", null, 401, x.Anonymous);
        await x.SendAsync(HttpMethod.Get, "/tasks/{task_id}", $"/tasks/{x.Failed}", null, 403, x.Reader);
    }

    /// <summary>Each dialect's 429: requests in a row on the limited host until one is refused (bounded).</summary>
    private async Task TooManyRequestsAsync(Exchanges x)
    {
        using var client = _limited.Operator();
        (string Template, string Url)[] reads =
        [
            ("/v1/tasks", "/v1/tasks"),
            ("/v1/jobs", "/v1/jobs"),
            ("/api/v1/processes/{processId}", $"/api/v1/processes/{Guid.NewGuid()}"),
            ("/tasks", "/tasks"),
        ];
        foreach (var (template, url) in reads)
        {
            var refused = false;
            for (var i = 0; i < 10 && !refused; i++)
            {
                refused = await x.SendAnyAsync(HttpMethod.Get, template, url, client) == 429;
            }

            Assert.True(refused, $"GET {url} was never refused with 429 on the limited host.");
        }
    }

    private sealed record Exchange(string Method, string Template, string Url, int Status, string? ContentType, string Body)
    {
        public override string ToString() => $"{Method} {Url} ({Template}) -> {Status}";
    }

    private sealed class Exchanges(FuncTasksApp app)
    {
        public List<Exchange> All { get; } = [];

        public HttpClient Operator { get; } = app.Operator();

        public HttpClient Reader { get; } = app.Reader();

        public HttpClient Anonymous { get; } = app.Anonymous();

        public string Failed { get; set; } = string.Empty;

        public string Running { get; set; } = string.Empty;

        /// <summary>Sends a request that must answer <paramref name="expected"/>; records it and returns its JSON body.</summary>
        public async Task<JsonNode?> SendAsync(HttpMethod method, string template, string url, JsonNode? body, int expected,
            HttpClient? client = null, string? idempotencyKey = null)
        {
            var (status, text) = await SendCoreAsync(method, template, url, body, client ?? Operator, idempotencyKey);
            Assert.True(status == expected, $"{method} {url} answered {status}, expected {expected}: {text}");
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }

        public async Task<int> SendAnyAsync(HttpMethod method, string template, string url, HttpClient client) =>
            (await SendCoreAsync(method, template, url, null, client, null)).Status;

        private async Task<(int Status, string Text)> SendCoreAsync(HttpMethod method, string template, string url, JsonNode? body,
            HttpClient client, string? idempotencyKey)
        {
            using var request = new HttpRequestMessage(method, url);
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            All.Add(new Exchange(method.Method, template, url, status, response.Content.Headers.ContentType?.MediaType, text));
            return (status, text);
        }
    }
}
