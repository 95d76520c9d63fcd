using System.Text.Json.Nodes;
using FuncTasks.Core;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.OpenApi;

/// <summary>The example of an error body: the dialect's own writer run on a sample outcome that gives the documented status.</summary>
internal static class DialectExamples
{
    public static async Task<JsonNode?> ErrorAsync(IReadOnlyList<IDialectOpenApi> dialects, Type? bodyType, string operation, int status)
    {
        if (bodyType is null || Dialects.For(bodyType) is not { } dialect)
        {
            return null;
        }

        var http = ExampleHttp.NewContext();
        var candidates = status switch
        {
            401 => [dialect.Unauthorized(http)],
            403 => [dialect.Forbidden(http, new Pipeline.Caller("grafana", Pipeline.KeyRole.Reader))],
            500 => [dialect.InternalError(http, ExampleHttp.Reference)],
            503 => [dialect.Unavailable(http, ExampleHttp.Reference, TimeSpan.FromSeconds(5))],
            429 => [dialect.TooManyRequests(http, "key grafana", TimeSpan.FromSeconds(1))],
            _ => Outcomes(dialects.For(bodyType), operation).Select(e => dialect.Error(http, e)).ToList(),
        };

        foreach (var candidate in candidates)
        {
            var (actual, body) = await ExampleHttp.RunAsync(candidate);
            if (actual == status && body is not null)
            {
                return body;
            }
        }

        return null;
    }

    /// <summary>
    /// Domain outcomes to try: a create's reused idempotency key, or the ones the dialect names for the operation;
    /// then the generic ones.
    /// </summary>
    private static IEnumerable<FuncTasksException> Outcomes(IDialectOpenApi? dialect, string operation)
    {
        if (dialect?.IdempotentOperations.Contains(operation) == true)
        {
            yield return new IdempotencyKeyReusedException("order-4711");
        }
        else
        {
            foreach (var outcome in dialect?.ErrorOutcomes(operation) ?? [])
            {
                yield return outcome;
            }
        }

        var task = SampleTask.TaskId.ToString();
        yield return new InvalidRequestException("name", "'name' is required.");
        yield return new TaskNotFoundException(NotFoundKind.Task, task);
        yield return new TaskConflictException(ConflictKind.RetryNotAllowed, "Only a failed task can be retried.") { TaskState = TaskState.Succeeded };
        yield return new TaskConflictException(ConflictKind.CancelNotAllowed, "Only an in-progress task can be cancelled.") { TaskState = TaskState.Succeeded };
        yield return new TaskNotFoundException(NotFoundKind.Step, SampleTask.FailedStepId.ToString());
    }
}
