using FuncTasks.Api.OpenApi;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Api.Vcf;

/// <summary>The Tasks API in the VMware Cloud Foundation dialect (<c>/v1/tasks</c>).</summary>
public static class VcfApi
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    public const string Tag = "Tasks (VMware Cloud Foundation)";

    /// <summary>What the dialect adds to the services: its part of the OpenAPI document.</summary>
    public static IServiceCollection AddVcf(this IServiceCollection services) => services.AddDialectOpenApi<VcfOpenApi>();

    public static RouteGroupBuilder MapVcfApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/tasks").WithTags(Tag).ProducesLimits(typeof(VcfError));
        group.MapPost("", (Func<HttpContext, Task<IResult>>)CreateAsync)
            .WithName("CreateTask").WithSummary("Create a task of ordered steps; it starts at once")
            .Accepts<VcfCreateTaskRequest>("application/json")
            .Produces<VcfTask>(StatusCodes.Status202Accepted).Produces<VcfError>(400).Produces<VcfError>(401).Produces<VcfError>(403).Produces<VcfError>(409).Produces<VcfError>(500);
        group.MapGet("", (Func<HttpContext, Task<IResult>>)ListAsync)
            .WithName("GetTasks").WithSummary("List tasks, newest first, with filters and paging")
            .Produces<VcfPageOfTask>().Produces<VcfError>(400).Produces<VcfError>(401).Produces<VcfError>(500);
        group.MapGet("/{id}", (HttpContext http, string id) => GetAsync(http, id))
            .WithName("GetTask").WithSummary("Get a task with its subtasks (steps)")
            .Produces<VcfTask>().Produces<VcfError>(401).Produces<VcfError>(404).Produces<VcfError>(500);
        group.MapGet("/{id}/events", (HttpContext http, string id) => GetEventsAsync(http, id))
            .WithName("GetTaskEvents").WithSummary("The task's audit trail: every change of the task and its steps, who made it and when, oldest first")
            .Produces<VcfTaskEvents>().Produces<VcfError>(401).Produces<VcfError>(404).Produces<VcfError>(500);
        group.MapPatch("/{id}", (HttpContext http, string id) => RetryAsync(http, id))
            .WithName("RetryTask").WithSummary("Retry a failed task: it resumes at its failed step")
            .Produces(200).Produces<VcfError>(401).Produces<VcfError>(403).Produces<VcfError>(404).Produces<VcfError>(409).Produces<VcfError>(500);
        group.MapDelete("/{id}", (HttpContext http, string id) => CancelAsync(http, id))
            .WithName("CancelTask").WithSummary("Cancel an in-progress task")
            .Produces(200).Produces<VcfError>(401).Produces<VcfError>(403).Produces<VcfError>(404).Produces<VcfError>(409).Produces<VcfError>(500);
        return group;
    }

    public static Task<IResult> CreateAsync(HttpContext http) =>
        VcfDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var body = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted);
            var command = new CreateTask(body.String("name"), body.String("type"), body.String("description"), JsonBody.Steps(body), Origin: VcfDialect.Origin)
            {
                Retry = RetryJson.Parse(body.Property("retry"), "retry"),
            };
            var handler = http.RequestServices.GetRequiredService<CreateTaskHandler>();
            var outcome = await IdempotencyKey.CreateAsync(http, body, (id, ct) => handler.HandleAsync(command with { Id = id }, ct));
            var snapshot = outcome.Snapshot;
            var location = $"/v1/tasks/{snapshot.Task.Id}";
            return Results.Json(VcfDialect.ToTask(snapshot.Task, snapshot.Steps), Wire.CamelCase, statusCode: StatusCodes.Status202Accepted)
                .WithLocation(location).Replayed(http, outcome);
        });

    public static Task<IResult> GetAsync(HttpContext http, string id) =>
        VcfDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
        {
            var snapshot = await Read(http, id);
            return VcfDialect.Json(200, VcfDialect.ToTask(snapshot.Task, snapshot.Steps));
        });

    /// <summary>The audit trail (any key may read it, as it may read the task).</summary>
    public static Task<IResult> GetEventsAsync(HttpContext http, string id) =>
        VcfDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
        {
            var taskId = ParseId(id);
            var events = await http.RequestServices.GetRequiredService<ITaskStore>().GetEventsAsync(taskId, http.RequestAborted)
                ?? throw new TaskNotFoundException(NotFoundKind.Task, id);
            return VcfDialect.Json(200, VcfEvents.ToEvents(taskId, events));
        });

    public static Task<IResult> ListAsync(HttpContext http) =>
        VcfDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
        {
            var q = http.Request.Query;
            var pageSize = Int(q["pageSize"], "pageSize") ?? Int(q["limit"], "limit") ?? DefaultPageSize;
            if (pageSize is < 1 or > MaxPageSize)
            {
                throw new InvalidRequestException("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
            }

            var pageNumber = Int(q["pageNumber"], "pageNumber") ?? 1;
            if (pageNumber < 1)
            {
                throw new InvalidRequestException("pageNumber", "pageNumber starts at 1.");
            }

            if ((long)pageNumber * pageSize > int.MaxValue)
            {
                // The page would start past any count of tasks (and its offset would overflow).
                throw new InvalidRequestException("pageNumber", $"pageNumber must be at most {int.MaxValue / pageSize} with pageSize {pageSize}.");
            }

            List<TaskState>? statuses = null;
            if (!string.IsNullOrWhiteSpace(q["taskStatus"]))
            {
                statuses = [];
                foreach (var text in q["taskStatus"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    statuses.Add(VcfDialect.ParseStatus(text)
                        ?? throw new InvalidRequestException("taskStatus", $"Unknown taskStatus '{text}'. Use PENDING, IN_PROGRESS, SUCCESSFUL, FAILED or CANCELLED."));
                }
            }

            var oldestFirst = q["orderDirection"].ToString().Equals("ASC", StringComparison.OrdinalIgnoreCase);
            var page = await http.RequestServices.GetRequiredService<ITaskStore>().ListAsync(
                new TaskQuery((pageNumber - 1) * pageSize, pageSize, statuses, Filter(q["taskType"], "taskType"), Filter(q["taskName"], "taskName"), OldestFirst: oldestFirst),
                http.RequestAborted);
            var totalPages = (page.TotalCount + pageSize - 1) / pageSize;
            return VcfDialect.Json(200, new VcfPageOfTask(
                page.Items.Select(t => VcfDialect.ToTask(t, null)).ToList(),
                new VcfPageMetadata(pageNumber, pageSize, page.TotalCount, totalPages)));
        });

    public static Task<IResult> RetryAsync(HttpContext http, string id) =>
        VcfDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            await http.RequestServices.GetRequiredService<RetryTaskHandler>().HandleAsync(ParseId(id), http.RequestAborted);
            return Results.Ok();
        });

    public static Task<IResult> CancelAsync(HttpContext http, string id) =>
        VcfDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            await http.RequestServices.GetRequiredService<CancelTaskHandler>().HandleAsync(ParseId(id), http.RequestAborted);
            return Results.Ok();
        });

    private static async Task<TaskSnapshot> Read(HttpContext http, string id) =>
        await http.RequestServices.GetRequiredService<ITaskStore>().ReadAsync(ParseId(id), http.RequestAborted)
        ?? throw new TaskNotFoundException(NotFoundKind.Task, id);

    /// <summary>An id that is not a task id (not a GUID, or a step's id) names no task: 404 without a storage call, never 500.</summary>
    public static Guid ParseId(string id) =>
        TaskIds.TryParse(id, out var guid) && TaskIds.IsTaskId(guid) ? guid : throw new TaskNotFoundException(NotFoundKind.Task, Echo(id));

    /// <summary>A filter value longer than any task's type or name matches nothing; refused rather than sent to storage.</summary>
    private static string Filter(Microsoft.Extensions.Primitives.StringValues value, string name) =>
        value.ToString() is { Length: > TaskValidation.MaxNameLength }
            ? throw new InvalidRequestException(name, $"{name} must be at most {TaskValidation.MaxNameLength} characters.")
            : value.ToString();

    private static string Echo(string text) => text.Length <= 100 ? text : text[..100] + "…";

    private static int? Int(Microsoft.Extensions.Primitives.StringValues value, string name) =>
        string.IsNullOrWhiteSpace(value) ? null
        : int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
        : throw new InvalidRequestException(name, $"{name} must be a whole number.");

    private static IResult WithLocation(this IResult result, string location) => new LocatedResult(result, location);

    private sealed class LocatedResult(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
