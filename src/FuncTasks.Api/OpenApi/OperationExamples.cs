using System.Text.Json.Nodes;
using FuncTasks.Core;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// Sets an example on each request and response body of an operation. Error bodies are written by the
/// operation's own dialect (see <see cref="DialectExamples"/>), so they are what a client really receives;
/// success bodies come from <see cref="SampleBodies"/>. Anything left without an example gets one built
/// from its schema by <see cref="SchemaExamples"/>.
/// </summary>
internal sealed class OperationExamples : IOpenApiOperationTransformer
{
    private const string Json = "application/json";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var name = operation.OperationId ?? string.Empty;
        if (operation.RequestBody?.Content is { } requestContent && requestContent.TryGetValue(Json, out var request)
            && request.Example is null && SampleBodies.Request(name) is { } requestExample)
        {
            request.Example = requestExample;
        }

        if (name is "CreateTask" or "CreateJob" or "StartProcess")
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Common.IdempotencyKey.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes the create safe to retry: the same key and body within 24 h returns the first result (same id, "
                    + "header Idempotent-Replayed: true) and creates nothing; the same key with another body is refused with 409. "
                    + "Keys are 1-255 printable ASCII characters, scoped to the API key.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
            });
        }

        if (operation.Responses is null)
        {
            return;
        }

        foreach (var (code, response) in operation.Responses)
        {
            if (response.Content is null || !response.Content.TryGetValue(Json, out var media) || media.Example is not null
                || !int.TryParse(code, out var status))
            {
                continue;
            }

            var type = context.Description.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode == status)?.Type;
            media.Example = status >= 400
                ? await DialectExamples.ErrorAsync(type, name, status)
                : await SampleBodies.ResponseAsync(name, status);
        }
    }
}

/// <summary>The example of an error body: the dialect's own writer run on a sample outcome that gives the documented status.</summary>
internal static class DialectExamples
{
    public static async Task<JsonNode?> ErrorAsync(Type? bodyType, string operation, int status)
    {
        if (bodyType is null || Dialects.For(bodyType) is not { } dialect)
        {
            return null;
        }

        var http = ExampleHttp.NewContext();
        var candidates = status switch
        {
            401 => [dialect.Unauthorized(http)],
            403 => [dialect.Forbidden(http, new Common.Caller("grafana", Common.KeyRole.Reader))],
            500 => [dialect.InternalError(http, ExampleHttp.Reference)],
            503 => [dialect.Unavailable(http, ExampleHttp.Reference, TimeSpan.FromSeconds(5))],
            429 => [dialect.TooManyRequests(http, "key grafana", TimeSpan.FromSeconds(1))],
            _ => Outcomes(operation).Select(e => dialect.Error(http, e)).ToList(),
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
    /// Domain outcomes to try, the one this operation most typically meets first. The generic conflicts carry the VCF
    /// sentences as their message: the examples of the dialects that show a conflict's message have always shown those.
    /// </summary>
    private static IEnumerable<FuncTasksException> Outcomes(string operation)
    {
        var task = SampleBodies.TaskId.ToString();
        var step = SampleBodies.FailedStepId.ToString();
        switch (operation)
        {
            case "CreateTask" or "CreateJob" or "StartProcess":
                yield return new IdempotencyKeyReusedException("order-4711");
                break;
            case "CancelTask":
                yield return new TaskConflictException(ConflictKind.CancelNotAllowed, Tasks.VcfDialect.NotCancellableMessage) { TaskState = TaskState.Succeeded };
                break;
            case "GetTasks":
                yield return new InvalidRequestException("pageSize", "pageSize must be between 1 and 100.");
                break;
            case "RestartFailedStep":
                yield return new TaskConflictException(ConflictKind.RestartNotAllowed, "The step is Completed.")
                {
                    TaskState = TaskState.Failed, StepState = StepState.Completed, StepName = step,
                };
                break;
            case "CompleteProcessStep":
                yield return new TaskConflictException(ConflictKind.CompleteNotAllowed, "The step is Failed.")
                {
                    // No action: the committed example never named it (the engine always does; see docs/openapi.json).
                    TaskState = TaskState.Failed, StepState = StepState.Failed, StepName = step,
                };
                break;
            case "GetProcess":
                yield return new TaskNotFoundException(NotFoundKind.Task, task);
                break;
            case "StartProcess" or "GetWorkflow":
                yield return new TaskNotFoundException(NotFoundKind.Definition, SampleBodies.WorkflowId);
                break;
            case "CreateWorkflow":
                yield return new InvalidRequestException("steps", "'steps' is required: at least one step {name, action, params}.");
                break;
        }

        yield return new InvalidRequestException("name", "'name' is required.");
        yield return new TaskNotFoundException(NotFoundKind.Task, task);
        yield return new TaskConflictException(ConflictKind.RetryNotAllowed, Tasks.VcfDialect.NotRetryableMessage) { TaskState = TaskState.Succeeded };
        yield return new TaskConflictException(ConflictKind.CancelNotAllowed, Tasks.VcfDialect.NotCancellableMessage) { TaskState = TaskState.Succeeded };
        yield return new TaskNotFoundException(NotFoundKind.Step, step);
    }
}
