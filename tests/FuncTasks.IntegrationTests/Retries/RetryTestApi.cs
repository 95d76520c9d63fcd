using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Retries;

/// <summary>Helpers for retry tests: policies, a target that fails a given number of times, attempts as recorded.</summary>
public static class RetryTestApi
{
    public static JsonObject Policy(int maxAttempts, double intervalSeconds = 1, double backoffRate = 2, double maxIntervalSeconds = 60, params string[] nonRetryable)
    {
        var policy = new JsonObject
        {
            ["maxAttempts"] = maxAttempts,
            ["intervalSeconds"] = intervalSeconds,
            ["backoffRate"] = backoffRate,
            ["maxIntervalSeconds"] = maxIntervalSeconds,
        };
        if (nonRetryable.Length > 0)
        {
            policy["nonRetryable"] = new JsonArray([.. nonRetryable.Select(n => (JsonNode)n)]);
        }

        return policy;
    }

    public static JsonObject WithRetry(this JsonObject step, JsonObject policy)
    {
        step["retry"] = policy;
        return step;
    }

    /// <summary>Makes <paramref name="path"/> answer <paramref name="status"/> to its first <paramref name="failures"/> calls, then 200.</summary>
    public static void FailFirst(this TargetServer target, string path, int failures, int status = 503)
    {
        target.Respond(path, status, "try again");
        target.OnCall = p =>
        {
            if (p == "/" + path && target.Calls(path) > failures)
            {
                target.Respond(path, 200, "ok");
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>The finished attempts of step <paramref name="index"/> as the process view shows them (status, started, finished).</summary>
    public static async Task<IReadOnlyList<(string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? Error)>> AttemptsAsync(
        this HttpClient client, string taskId, int index = 0)
    {
        var view = await client.GetJsonAsync($"/api/v1/processes/{taskId}");
        return view["data"]!["steps"]![index]!["attempts"]!.AsArray()
            .Select(a => (a!["status"].Str(), DateTimeOffset.Parse(a["startedAt"].Str(), System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(a["finishedAt"].Str(), System.Globalization.CultureInfo.InvariantCulture), a["error"]?["message"]?.GetValue<string>()))
            .ToList();
    }
}
