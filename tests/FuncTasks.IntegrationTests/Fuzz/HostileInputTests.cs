using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using CsCheck;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FuncTasks.IntegrationTests.Fuzz;

/// <summary>
/// Property-based fuzzing of every API endpoint with hostile input (CsCheck). For each endpoint the running app
/// routes, hundreds of requests that are invalid by construction: each answer must be a 4xx that the endpoint
/// documents, in its dialect's error body, and nothing stored may change. A failure prints the case and CsCheck's
/// seed; replay it with <c>CsCheck_Seed=&lt;seed&gt;</c> (and <c>FUNCTASKS_FUZZ_ITER</c> to change the count).
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output) : AppTest(FuzzApp())
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("FUNCTASKS_FUZZ_ITER"), out var n) ? n : 500;

    public static FuncTasksApp FuzzApp() => new(
        new Dictionary<string, string?>
        {
            ["FuncTasks:RateLimit:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Error",
        },
        services => services.AddSingleton<IStartupFilter, RoutedEndpointHeader>());

    [Fact]
    public void Discovery_finds_every_dialects_endpoints_and_skips_the_rest()
    {
        var endpoints = ApiEndpoint.Discover(App.Services);

        Assert.Contains(endpoints, e => e is { Method: "POST", Pattern: "/v1/tasks" });
        Assert.Contains(endpoints, e => e is { Method: "PATCH", Pattern: "/v1/tasks/{id}" });
        Assert.Contains(endpoints, e => e is { Method: "POST", Pattern: "/v1/jobs/{jobId}/ack" });
        Assert.Contains(endpoints, e => e is { Method: "POST", Pattern: "/api/v1/processes/restart-failed-step" });
        Assert.Contains(endpoints, e => e is { Method: "GET", Pattern: "/tasks/{task_id}" });
        Assert.DoesNotContain(endpoints, e => e.Pattern is "/healthz" or "/dashboard/me" || e.Pattern.StartsWith("/openapi", StringComparison.Ordinal)
            || e.Pattern.StartsWith("/docs", StringComparison.Ordinal));
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints found: {string.Join(", ", endpoints)}");
        // Every endpoint documents its refusals, so a hostile answer can be checked against its dialect's body.
        Assert.All(endpoints, e => Assert.Contains(401, e.DeclaredStatuses));
    }

    [Fact]
    public async Task Every_endpoint_answers_hostile_input_with_a_documented_4xx_in_its_dialect_and_stores_nothing()
    {
        var fixtures = await CreateFixturesAsync();
        var tables = App.Services.GetRequiredService<TableServiceClient>();
        var queue = App.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(App.Settings["FuncTasks:Storage:QueueName"]);
        var before = await SettledSnapshotAsync(tables, queue, fixtures.TaskIds);
        Assert.NotEmpty(before.Rows);

        var client = App.CreateClient();
        var failures = new List<string>();
        var endpoints = ApiEndpoint.Discover(App.Services);
        var clock = Stopwatch.StartNew();
        foreach (var endpoint in endpoints)
        {
            var cases = 0;
            var started = clock.Elapsed;
            try
            {
                await HostileGen.For(endpoint, fixtures, FuzzCatalog.Template(endpoint.Name), FuzzCatalog.QueryHints(endpoint.Name))
                    .SampleAsync(async c =>
                    {
                        Interlocked.Increment(ref cases);
                        await CheckAsync(client, c);
                    }, iter: Iterations, threads: 4, print: c => c.ToString(), writeLine: _ => { });
            }
            catch (Exception ex)
            {
                failures.Add($"{endpoint}: {ex.InnerException?.Message ?? "?"}\n{ex.Message}");
            }

            if (cases < Iterations)
            {
                failures.Add($"{endpoint}: only {cases} of {Iterations} cases ran");
            }

            var after = await StorageSnapshot.TakeAsync(tables, queue, App.Prefix);
            if (before.Difference(after) is { } difference)
            {
                failures.Add($"{endpoint} changed what is stored: {difference}");
                before = after;
            }

            output.WriteLine($"{endpoint}: {cases} cases in {(clock.Elapsed - started).TotalSeconds:F1} s");
        }

        output.WriteLine($"{endpoints.Count} endpoints in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"{failures.Count} endpoint(s) failed:\n\n" + string.Join("\n\n", failures));
    }

    /// <summary>
    /// Filter values reach Table Storage only as quoted OData literals: a type full of quotes and OData operators
    /// matches exactly the tasks of that type (the one fixture whose type has quotes in it, or none), never more.
    /// </summary>
    [Fact]
    public async Task Filter_values_can_not_inject_into_the_storage_query()
    {
        string[] types = ["FUZZ'Q", "FUZZ''Q", "FUZZ' or RowKey ne '"];
        foreach (var type in types)
        {
            var created = await Client.CreateTaskAsync(new JsonObject
            {
                ["name"] = "odata", ["type"] = type, ["steps"] = new JsonArray(TestApi.DelayStep("only", 0)),
            });
            await Client.WaitForStatusAsync(created["id"].Str(), "SUCCESSFUL");
        }

        var injections = Gen.OneOf("'", "''", "' or '1' eq '1", "' or PartitionKey ne '", "') or (RowKey ne '", " eq ", "\\'", "%27", "' and ", "\u0027");
        var hostile = Gen.Frequency(
            (1, Gen.OneOf(types)),
            (4, Gen.Select(Gen.OneOf("FUZZ", "odata", string.Empty, "x"), injections.Array[1, 4], Gen.OneOf(string.Empty, "Q", "'", " or true"),
                (a, b, c) => a + string.Concat(b) + c)))
            .Where(t => t.Trim().Length > 0 && !t.Contains(',', StringComparison.Ordinal) && t == t.Trim());
        await hostile.SampleAsync(async type =>
        {
            var expected = types.Count(t => t == type);
            var vcf = await Client.GetJsonAsync($"/v1/tasks?pageSize=100&taskType={Uri.EscapeDataString(type)}");
            Assert.True(vcf["pageMetadata"]!["totalElements"]!.GetValue<int>() == expected, $"VCF taskType={type}: {vcf.ToJsonString()}");
            Assert.All(vcf["elements"]!.AsArray(), e => Assert.Equal(type, e!["type"].Str()));
            var dr = await Client.GetJsonAsync($"/tasks?filter_property=type&filter={Uri.EscapeDataString(type)}");
            Assert.True(dr["list"]!.AsArray().Count == expected, $"DR filter={type}: {dr.ToJsonString()}");
            Assert.All(dr["list"]!.AsArray(), e => Assert.Equal(type, e!["type"].Str()));
        }, iter: Iterations / 5, threads: 2, writeLine: _ => { });
    }

    /// <summary>The properties of one answer to a hostile case.</summary>
    private static async Task CheckAsync(HttpClient client, HostileCase c)
    {
        using var request = c.ToRequest();
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        var routed = response.Headers.TryGetValues(FuzzHeaders.RoutedTo, out var values) ? values.Single() : null;
        if (routed != c.Endpoint.DisplayName)
        {
            throw new FuzzFindingException($"the request reached {routed ?? "no endpoint"} ({status}) instead of {c.Endpoint.DisplayName}");
        }

        if (status is < 400 or > 499)
        {
            throw new FuzzFindingException($"answered {status}, not a 4xx: {Short(body)}");
        }

        var declared = c.Endpoint.Declared(status)
            ?? throw new FuzzFindingException($"answered {status}, which the endpoint does not document ({string.Join(", ", c.Endpoint.DeclaredStatuses)}): {Short(body)}");
        if (ErrorShape.Problem(declared, body) is { } problem)
        {
            throw new FuzzFindingException($"answered {status} outside its dialect's error shape ({declared.Name}): {problem}");
        }
    }

    /// <summary>
    /// Tasks, jobs, a workflow and a process in states that no longer change on their own: a failed task (its
    /// failed step is what restart-failed-step names), a succeeded task, a process waiting at an external step,
    /// a created job and a ready job.
    /// </summary>
    private async Task<FuzzFixtures> CreateFixturesAsync()
    {
        Target.Respond("fail", 500, "boom");
        var failed = await Client.CreateTaskAsync(TestApi.Task("fuzz-failed", TestApi.DelayStep("warm-up", 0), TestApi.HttpStep("notify", Target.Url("fail"))));
        var succeeded = await Client.CreateTaskAsync(TestApi.Task("fuzz-done", TestApi.DelayStep("only", 0)));
        var workflow = await PostDataAsync("/api/v1/workflows", new JsonObject
        {
            ["name"] = "fuzz-approval",
            ["steps"] = new JsonArray(new JsonObject { ["name"] = "approve", ["action"] = "external" }),
        });
        var process = await PostDataAsync("/api/v1/processes/start", new JsonObject { ["workflowId"] = workflow["workflowId"]!.GetValue<string>() });
        var created = await PostDataAsync("/v1/jobs", new JsonObject { ["type"] = "file", ["operation"] = "import", ["source"] = "fuzz" });
        var ready = await PostDataAsync("/v1/jobs", new JsonObject { ["type"] = "file", ["operation"] = "import", ["source"] = "fuzz", ["trigger"] = "immediate" });

        var failedTask = await Client.WaitForStatusAsync(failed["id"].Str(), "FAILED");
        var succeededTask = await Client.WaitForStatusAsync(succeeded["id"].Str(), "SUCCESSFUL");
        var processId = process["processId"].Str();
        var waiting = await Client.WaitForTaskAsync(processId, t => t["subTasks"]![0]!["status"].Str() == "IN_PROGRESS");
        Assert.Equal("ready", (await Client.GetJsonAsync($"/v1/jobs/{ready["id"].Str()}"))["data"]!["status"].Str());

        var stepIds = new[] { failedTask, succeededTask, waiting }.SelectMany(t => t["subTasks"]!.AsArray().Select(s => s!["id"].Str())).ToList();
        return new FuzzFixtures(
            [failed["id"].Str(), succeeded["id"].Str(), processId, created["id"].Str(), ready["id"].Str()],
            stepIds,
            workflow["workflowId"].Str(),
            failedTask["subTasks"]![1]!["id"].Str(),
            process["processStepId"].Str(),
            FuncTasksApp.OperatorKey,
            FuncTasksApp.ReaderKey);
    }

    private async Task<JsonObject> PostDataAsync(string path, JsonObject body)
    {
        var response = await Client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["data"]!.AsObject();
    }

    /// <summary>
    /// The snapshot every endpoint's cases are compared with, taken once the fixtures' runs have written their last rows:
    /// the fixtures are in their resting states (<see cref="CreateFixturesAsync"/> waited for that through the API), and no
    /// run is in flight that could still write. A run in flight is what is observable of the runner: on the queue runner a
    /// run message (a run deletes its message only after its last write), on the Durable runner an activity scheduled in a
    /// fixture's orchestration history without its completion (activities are what write; an orchestration that will write
    /// again has an activity scheduled in the episode it committed).
    /// </summary>
    private async Task<StorageSnapshot> SettledSnapshotAsync(TableServiceClient tables, QueueClient queue, IReadOnlyList<string> runs)
    {
        await Eventually.Value(() => RunsInFlightAsync(tables, queue, runs), inFlight => inFlight.Count == 0,
            "no run of the fixtures is in flight", describe: inFlight => string.Join("; ", inFlight));
        return await StorageSnapshot.TakeAsync(tables, queue, App.Prefix);
    }

    private async Task<IReadOnlyList<string>> RunsInFlightAsync(TableServiceClient tables, QueueClient queue, IReadOnlyList<string> runs)
    {
        var inFlight = new List<string>();
        if ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount is > 0 and var messages)
        {
            inFlight.Add($"{messages} run message(s) on the queue");
        }

        if (TestRunner.IsDurable)
        {
            var history = tables.GetTableClient(App.Settings["FuncTasks:Runner:Durable:TaskHub"] + "History");
            foreach (var id in runs)
            {
                // The rows of the execution that started last (a new execution writes over the rows of the one before).
                var rows = new List<TableEntity>();
                await foreach (var row in history.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}")))
                {
                    if (row.GetString("EventType") is { Length: > 0 })
                    {
                        rows.Add(row);
                    }
                }

                var current = rows.FirstOrDefault(r => r.GetString("EventType") == "ExecutionStarted")?.GetString("ExecutionId");
                var events = rows.Where(r => r.GetString("ExecutionId") == current).Select(r => r.GetString("EventType")).ToList();
                var scheduled = events.Count(e => e == "TaskScheduled");
                var answered = events.Count(e => e is "TaskCompleted" or "TaskFailed");
                if (scheduled > answered)
                {
                    inFlight.Add($"{id}: {scheduled - answered} activity call(s) in flight");
                }
            }
        }

        return inFlight;
    }

    private static string Short(string text) => text.Length <= 400 ? text : text[..400] + "…";

    /// <summary>Names the endpoint that handled each request in an answer header, so a case that escaped its route is seen.</summary>
    private sealed class RoutedEndpointHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, inner) =>
            {
                http.Response.OnStarting(() =>
                {
                    if (http.GetEndpoint()?.DisplayName is { } name)
                    {
                        http.Response.Headers[FuzzHeaders.RoutedTo] = name;
                    }

                    return Task.CompletedTask;
                });
                return inner(http);
            });
            next(app);
        };
    }
}

/// <summary>A property of the API that a hostile case broke.</summary>
public sealed class FuzzFindingException(string message) : Exception(message);
