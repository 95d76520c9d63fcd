using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.Core;
using FuncTasks.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.IntegrationTests.Reliability;

/// <summary>
/// A runner whose engine does not take the work (the Durable engine unreachable): the request is a 503 with Retry-After
/// like a storage outage, not a 500, and the task is left failed, so that retrying it once the engine is back runs it.
/// </summary>
public sealed class RunnerUnavailableTests
{
    private sealed class FlakyRunner : ITaskRunner
    {
        public volatile bool Down = true;
        public int Scheduled;

        public Task ScheduleAsync(Guid taskId, int generation, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new RunnerUnavailableException("The Durable engine did not take the request: connection refused", new IOException("connection refused"));
            }

            Interlocked.Increment(ref Scheduled);
            return Task.CompletedTask;
        }

        public Task CancelAsync(Guid taskId, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_create_the_engine_does_not_take_answers_503_and_leaves_the_task_retryable()
    {
        var runner = new FlakyRunner();
        await using var app = new FuncTasksApp(new Dictionary<string, string?> { ["FuncTasks:Api:UnavailableRetryAfter"] = "00:00:09" },
            services => services.AddSingleton<ITaskRunner>(runner));
        var client = app.Operator();

        var response = await client.PostAsync("/v1/tasks", System.Net.Http.Json.JsonContent.Create(TestApi.Task("engine down", TestApi.DelayStep("d", 0))));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("9", response.Headers.GetValues("Retry-After").Single());
        var body = await response.Content.ReadAsStringAsync();
        VcfSchema.AssertValid("Error", body);
        Assert.DoesNotContain("   at ", body);

        var listed = await client.GetJsonAsync("/v1/tasks");
        var task = Assert.Single(listed["elements"]!.AsArray())!;
        Assert.Equal("FAILED", task["status"].Str());

        runner.Down = false;
        var retry = await client.PatchAsync($"/v1/tasks/{task["id"].Str()}", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, runner.Scheduled);
        Assert.Equal("IN_PROGRESS", (await client.GetJsonAsync($"/v1/tasks/{task["id"].Str()}"))["status"].Str());
    }
}
