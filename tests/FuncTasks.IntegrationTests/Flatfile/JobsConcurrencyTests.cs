using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Flatfile;

public sealed class JobsConcurrencyTests : AppTest
{
    public JobsConcurrencyTests()
        : base(new FuncTasksApp(new Dictionary<string, string?>
        {
            ["FuncTasks:Auth:Keys:2:Name"] = "agent-b",
            ["FuncTasks:Auth:Keys:2:Secret"] = "agent-b-secret",
            ["FuncTasks:Auth:Keys:2:Role"] = "operator",
        }))
    {
    }

    [Fact]
    public async Task Twenty_agents_acking_the_same_ready_job_at_once_let_exactly_one_win()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        var agents = Enumerable.Range(1, 20).Select(i =>
        {
            var client = App.Operator();
            client.DefaultRequestHeaders.Add("X-Agent-Id", $"agent-{i}");
            return client;
        }).ToList();

        using var start = new SemaphoreSlim(0);
        var acks = agents.Select(async (agent, i) =>
        {
            await start.WaitAsync();
            return await agent.PostAsJsonAsync($"/v1/jobs/{id}/ack", new JsonObject { ["progress"] = i, ["info"] = $"taken by agent-{i + 1}" });
        }).ToList();
        start.Release(agents.Count);
        var responses = await Task.WhenAll(acks);

        var won = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var lost in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.StartsWith("Job was already acknowledged by another agent", await lost.ErrorAsync(HttpStatusCode.Conflict));
        }

        var winner = await won.DataAsync(HttpStatusCode.OK, "winning ack");
        Assert.Equal("executing", winner["status"].Str());
        var job = await Client.GetJobAsync(id);
        Assert.Equal(winner["info"].Str(), job["info"].Str());
        Assert.Equal(winner["progress"]!.GetValue<int>(), job["progress"]!.GetValue<int>());

        var winnerIndex = responses.ToList().IndexOf(won);
        var update = await agents[winnerIndex].PostAsJsonAsync($"/v1/jobs/{id}/ack", new JsonObject { ["progress"] = 90 });
        Assert.Equal(90, (await update.DataAsync(HttpStatusCode.OK, "the winner's progress report"))["progress"]!.GetValue<int>());
        var other = await agents[(winnerIndex + 1) % agents.Count].PostAsJsonAsync($"/v1/jobs/{id}/ack", new JsonObject { ["progress"] = 95 });
        await other.ErrorAsync(HttpStatusCode.Conflict);
        Assert.Equal(90, (await Client.GetJobAsync(id))["progress"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_agent_with_another_key_cannot_report_on_a_job_it_did_not_take()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await Client.JobActionAsync(id, "ack", new JsonObject { ["progress"] = 20 });

        var response = await App.Client("agent-b-secret").PostAsJsonAsync($"/v1/jobs/{id}/ack", new JsonObject { ["progress"] = 70 });

        Assert.Equal("Job was already acknowledged by another agent ('test-operator'); only that agent can report on it.",
            await response.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal(20, (await Client.GetJobAsync(id))["progress"]!.GetValue<int>());
    }
}
