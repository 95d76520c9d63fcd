using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Flatfile;

/// <summary>Bad input gets 400 with <c>{errors: [{key, message}]}</c> naming the problem, and changes nothing.</summary>
public sealed class JobsInputTests : AppTest
{
    public static TheoryData<string, string, string> BadJobs() => new()
    {
        { """{"operation":"x","source":"s"}""", "type", "needs 'type'" },
        { """{"type":"spreadsheet","operation":"x","source":"s"}""", "type", "'type' must be one of file, workbook" },
        { """{"type":"file","source":"s"}""", "operation", "needs 'operation'" },
        { """{"type":"file","operation":"x"}""", "source", "needs 'source'" },
        { """{"type":"file","operation":"x","source":7}""", "source", "'source' must be a string" },
        { """{"type":"file","operation":"x","source":"s","trigger":"later"}""", "trigger", "manual, immediate" },
        { """{"type":"file","operation":"x","source":"s","mode":"loud"}""", "mode", "foreground, background" },
        { """{"type":"file","operation":"x","source":"s","config":[1]}""", "config", "must be a JSON object" },
        { """{"type":"file","operation":"x","source":"s","managed":"yes"}""", "managed", "true or false" },
        { """{"type":"file","operation":"x","source":"s","subject":{"type":"thing"}}""", "subject", "'subject' must be" },
        { """{"type":"file","operation":"x","source":"s","predecessorIds":"abc"}""", "predecessorIds", "array of job ids" },
        { """{"type":"file","operation":"x","source":"s","predecessorIds":["6f1c2b9e-0000-8000-8000-000000000000"]}""", "predecessorIds[0]", "names no job" },
        { """{"type":"file","operation":"x","source":"s","parentId":"nope"}""", "parentId", "names no job" },
        { """{"type":"file","operation":"x","source":"s","plan":[]}""", "plan", "must be an object" },
        { """{"type":"file","operation":"x","source":"s","plan":{"steps":[]}}""", "plan.steps", "at least one step" },
        { """{"type":"file","operation":"x","source":"s","plan":{"steps":[{"name":"a","action":"teleport"}]}}""", "plan.steps[0].action", "unknown action 'teleport'" },
        { """{"type":"file","operation":"x","source":"s","plan":{"steps":[{"name":"a","action":"delay"}]}}""", "plan.steps[0].params", "needs a 'seconds' parameter" },
        { """{"type":"file","operation":"x","source":"s","plan":{"steps":[{"action":"delay","params":{"seconds":{"longValue":1,"type":"LONG"}}}]}}""", "plan.steps[0].name", "needs a 'name'" },
        { """{"type":"file","operation":"x","source":"s","plan":{"steps":[{"name":"w","action":"await-tasks","params":{"taskIds":{"strValue":"x,y","type":"STRING"}}}]}}""", "plan.steps[0].params", "task ids (GUIDs)" },
        { """[1,2]""", "body", "must be a JSON object" },
        { """{"type":""", "body", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadJobs))]
    public async Task A_bad_job_returns_400_naming_the_field_and_stores_nothing(string body, string key, string expected)
    {
        var response = await Client.PostAsync("/v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Contains(expected, await response.ErrorAsync(HttpStatusCode.BadRequest, key));
        Assert.Equal(0, await App.CountTaskRowsAsync());
    }

    [Fact]
    public async Task Job_fields_too_large_for_a_row_return_400_and_store_nothing()
    {
        var job = JobsTestApi.AgentJob();
        job["metadata"] = new JsonObject { ["blob"] = new string('x', 40_000) };

        var response = await Client.PostAsJsonAsync("/v1/jobs", job);

        Assert.Contains("at most 30000", await response.ErrorAsync(HttpStatusCode.BadRequest, "body"));
        Assert.Equal(0, await App.CountTaskRowsAsync());
    }

    public static TheoryData<string, string, string, string> BadActions() => new()
    {
        { "ack", """{"progress":101}""", "progress", "from 0 to 100" },
        { "ack", """{"progress":12.5}""", "progress", "whole number" },
        { "ack", """{"estimatedCompletionAt":"soon"}""", "estimatedCompletionAt", "ISO-8601" },
        { "ack", """{"info":5}""", "info", "must be a string" },
        { "complete", """{"outcome":"great"}""", "outcome", "must be a JSON object" },
        { "fail", """{"outcome":[]}""", "outcome", "must be a JSON object" },
        { "split", """{"parts":0}""", "parts", "from 1 to 50" },
        { "split", """{"parts":[1]}""", "parts[0]", "must be an object" },
        { "split", """{"runInParallel":true}""", "parts", "Give 'parts'" },
        { "split", """{"parts":2,"runInParallel":"yes"}""", "runInParallel", "true or false" },
    };

    [Theory]
    [MemberData(nameof(BadActions))]
    public async Task A_bad_action_body_returns_400_and_leaves_the_job_as_it_was(string action, string body, string key, string expected)
    {
        var before = await Client.CreateJobAsync(JobsTestApi.AgentJob());
        var id = before["id"].Str();

        var response = await Client.PostAsync($"/v1/jobs/{id}/{action}", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Contains(expected, await response.ErrorAsync(HttpStatusCode.BadRequest, key));
        Assert.Equal(before.ToJsonString(), (await Client.GetJobAsync(id)).ToJsonString());
        Assert.Equal(1, await App.CountTaskRowsAsync());
    }

    [Fact]
    public async Task An_agent_id_header_over_128_characters_returns_400()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/jobs/{id}/ack");
        request.Headers.Add("X-Agent-Id", new string('a', 129));

        var response = await Client.SendAsync(request);

        await response.ErrorAsync(HttpStatusCode.BadRequest, "X-Agent-Id");
        Assert.Equal("ready", (await Client.GetJobAsync(id))["status"].Str());
    }

    [Fact]
    public async Task A_body_over_256_KB_returns_400_and_stores_nothing()
    {
        var job = JobsTestApi.AgentJob();
        job["metadata"] = new JsonObject { ["blob"] = new string('x', 300 * 1024) };

        var response = await Client.PostAsJsonAsync("/v1/jobs", job);

        Assert.Contains("256 KB", await response.ErrorAsync(HttpStatusCode.BadRequest, "body"));
        Assert.Equal(0, await App.CountTaskRowsAsync());
    }
}
