using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Vcf;

public sealed class TasksInputAndKeysTests : IAsyncLifetime
{
    private readonly FuncTasksApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string, string> BadBodies()
    {
        var step = """{"name":"s","action":"delay","params":{"seconds":{"longValue":1,"type":"LONG"}}}""";
        var tooMany = "[" + string.Join(",", Enumerable.Repeat(step, 51)) + "]";
        return new TheoryData<string, string, string>
        {
            { "malformed JSON", """{"name": "x", "steps": [""", "not valid JSON" },
            { "not an object", """[1,2]""", "must be a JSON object" },
            { "missing name", $$"""{"type":"T","steps":[{{step}}]}""", "'name'" },
            { "missing steps", """{"name":"x","type":"T"}""", "'steps'" },
            { "empty steps", """{"name":"x","type":"T","steps":[]}""", "'steps'" },
            { "unknown action", """{"name":"x","steps":[{"name":"s","action":"teleport"}]}""", "unknown action 'teleport'" },
            { "more than 50 steps", $$"""{"name":"x","steps":{{tooMany}}}""", "at most 50 steps" },
            { "LONG carrying a string", """{"name":"x","steps":[{"name":"s","action":"delay","params":{"seconds":{"strValue":"ten","type":"LONG"}}}]}""", "type LONG but no longValue" },
            { "longValue not a whole number", """{"name":"x","steps":[{"name":"s","action":"delay","params":{"seconds":{"longValue":1.5,"type":"LONG"}}}]}""", "longValue must be a whole number" },
            { "unknown type", """{"name":"x","steps":[{"name":"s","action":"delay","params":{"seconds":{"longValue":1,"type":"INTEGER"}}}]}""", "STRING, LONG or DOUBLE" },
            { "http without url", """{"name":"x","steps":[{"name":"s","action":"http"}]}""", "'url'" },
            { "parameters too large for a row", "{\"name\":\"x\",\"steps\":[{\"name\":\"s\",\"action\":\"external\",\"params\":{" +
                string.Join(",", Enumerable.Range(0, 3).Select(i => $"\"p{i}\":{{\"strValue\":\"{new string('v', 15000)}\",\"type\":\"STRING\"}}")) + "}}]}", "may take at most 30000" },
            { "description too long", $$"""{"name":"x","description":"{{new string('d', 5000)}}","steps":[{{step}}]}""", "'description' must be at most 4096" },
            { "step without name", """{"name":"x","steps":[{"action":"delay","params":{"seconds":{"longValue":1,"type":"LONG"}}}]}""", "steps[0] needs a 'name'" },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_returns_400_with_an_error_naming_the_problem_and_stores_nothing(string why, string body, string expected)
    {
        var response = await _app.Operator().PostAsync("/v1/tasks", new StringContent(body, Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode} {text}");
        Assert.Contains(expected, JsonNode.Parse(text)!["message"].Str());
        VcfSchema.AssertValid("Error", text);
        Assert.Equal(0, await _app.CountTaskRowsAsync());
    }

    [Fact]
    public async Task A_body_over_256_KB_returns_400_and_stores_nothing()
    {
        var huge = new JsonObject { ["name"] = "big", ["description"] = new string('d', 300 * 1024), ["steps"] = new JsonArray(TestApi.DelayStep("d", 0)) };

        var response = await _app.Operator().PostAsJsonAsync("/v1/tasks", huge);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("larger than 256 KB", (await response.ReadJsonAsync())["message"].Str());
        Assert.Equal(0, await _app.CountTaskRowsAsync());
    }

    [Fact]
    public async Task No_key_returns_401_on_every_endpoint()
    {
        var client = _app.Anonymous();
        var id = Guid.NewGuid();
        var responses = new[]
        {
            await client.PostAsJsonAsync("/v1/tasks", TestApi.Task("x", TestApi.DelayStep("d", 0))),
            await client.GetAsync("/v1/tasks"),
            await client.GetAsync($"/v1/tasks/{id}"),
            await client.PatchAsync($"/v1/tasks/{id}", null),
            await client.DeleteAsync($"/v1/tasks/{id}"),
        };

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        VcfSchema.AssertValid("Error", await responses[0].Content.ReadAsStringAsync());
        Assert.Equal(0, await _app.CountTaskRowsAsync());
    }

    [Fact]
    public async Task A_wrong_key_returns_401_and_x_functions_key_is_accepted()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client("not-a-key").GetAsync("/v1/tasks")).StatusCode);

        var client = _app.Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", FuncTasksApp.ReaderKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks")).StatusCode);
    }

    [Fact]
    public async Task A_reader_key_reads_but_gets_403_on_post_patch_and_delete()
    {
        var task = await _app.Operator().CreateTaskAsync(TestApi.Task("readable", TestApi.DelayStep("d", 0)));
        var id = task["id"].Str();
        var reader = _app.Reader();

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/v1/tasks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v1/tasks")).StatusCode);
        var forbidden = new[]
        {
            await reader.PostAsJsonAsync("/v1/tasks", TestApi.Task("x", TestApi.DelayStep("d", 0))),
            await reader.PatchAsync($"/v1/tasks/{id}", null),
            await reader.DeleteAsync($"/v1/tasks/{id}"),
        };

        Assert.All(forbidden, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        VcfSchema.AssertValid("Error", await forbidden[0].Content.ReadAsStringAsync());
        Assert.Equal(1, await _app.CountTaskRowsAsync());
    }
}
