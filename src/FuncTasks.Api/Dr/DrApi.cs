using System.Globalization;
using FuncTasks.Api.OpenApi;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace FuncTasks.Api.Dr;

/// <summary>Task info in the VMware Live Site Recovery dialect (<c>/tasks</c>, <c>/tasks/{task_id}</c>).</summary>
public static class DrApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private const int MaxEchoedLength = 100;

    public const string Tag = "Task info (VMware Live Site Recovery)";

    /// <summary>What the dialect adds to the services: its options and its part of the OpenAPI document.</summary>
    public static IServiceCollection AddDr(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DrOptions>().Bind(configuration.GetSection(DrOptions.Section));
        return services.AddDialectOpenApi<DrOpenApi>();
    }

    public static RouteGroupBuilder MapDrApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tasks").WithTags(Tag).ProducesLimits(typeof(DrResponseError));
        group.MapGet("", (Func<HttpContext, Task<IResult>>)ListAsync)
            .WithName("GetAllTasksInfo").WithSummary("List tasks with limit/offset, filter_property + filter (status, type), sort_by + order_by")
            .Produces<DrTaskList>().Produces<DrResponseError>(400).Produces(401).Produces<DrResponseError>(403).Produces<DrResponseError>(500);
        group.MapGet("/{task_id}", (HttpContext http, string task_id) => GetAsync(http, task_id))
            .WithName("GetTaskInfo").WithSummary("A task's status, progress, times and, when it failed, its error as a serialised exception")
            .Produces<DrTask>().Produces<DrResponseError>(400).Produces(401).Produces<DrResponseError>(403).Produces(404).Produces<DrResponseError>(500);
        return group;
    }

    public static Task<IResult> GetAsync(HttpContext http, string taskId) =>
        DrDialect.Instance.ReadAsync(http, async () =>
        {
            if (taskId.Contains('x', StringComparison.OrdinalIgnoreCase) || !Guid.TryParse(taskId, out var id)) // hex digits only (see TaskIds.TryParse)
            {
                throw new InvalidRequestException("task_id", $"task_id must be a UUID, not '{Echo(taskId)}'.");
            }

            // A UUID that is not a task id (a step's id, the nil UUID) names no task: 404 without a storage call.
            var task = (TaskIds.IsTaskId(id) && id != Guid.Empty ? await http.RequestServices.GetRequiredService<ITaskStore>().GetTaskAsync(id, http.RequestAborted) : null)
                ?? throw new TaskNotFoundException(NotFoundKind.Task, Echo(taskId));
            return Results.Json(DrDialect.ToTask(task), DrDialect.Json);
        });

    public static Task<IResult> ListAsync(HttpContext http) =>
        DrDialect.Instance.ReadAsync(http, async () =>
        {
            var q = http.Request.Query;
            var limit = Int(q["limit"], "limit") ?? DefaultLimit;
            if (limit is < 1 or > MaxLimit)
            {
                throw new InvalidRequestException("limit", $"limit must be between 1 and {MaxLimit}.");
            }

            var offset = Int(q["offset"], "offset") ?? 0;
            if (offset < 0)
            {
                throw new InvalidRequestException("offset", "offset must be 0 or more.");
            }

            if ((long)offset + limit > int.MaxValue)
            {
                // Past any count of tasks, and offset + limit would overflow.
                throw new InvalidRequestException("offset", $"offset must be at most {int.MaxValue - limit} with limit {limit}.");
            }

            var (statuses, type) = ParseFilter(q["filter_property"], q["filter"]);
            var oldestFirst = ParseOrder(q["sort_by"], q["order_by"]);
            var page = await http.RequestServices.GetRequiredService<ITaskStore>().ListAsync(
                new TaskQuery(offset, limit, statuses, type, OldestFirst: oldestFirst), http.RequestAborted);
            return Results.Json(new DrTaskList(page.Items.Select(DrDialect.ToTask).ToList(), new DrListMeta([], page.TotalCount, offset, limit)),
                DrDialect.Json);
        });

    /// <summary><c>status</c> takes one or more values (repeated or comma-separated, any of them matches); <c>type</c> takes one.</summary>
    private static (List<TaskState>? Statuses, string? Type) ParseFilter(StringValues property, StringValues filter)
    {
        var name = property.ToString().Trim();
        var values = filter.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (name.Length == 0 && values.Count == 0)
        {
            return (null, null);
        }

        if (name.Length == 0 || values.Count == 0)
        {
            throw new InvalidRequestException("filter", "filter_property and filter must be given together, e.g. filter_property=status&filter=ERROR.");
        }

        switch (name.ToLowerInvariant())
        {
            case "status":
                return (values.Select(v => DrDialect.ParseStatus(v)
                    ?? throw new InvalidRequestException("filter", $"Unknown status '{Echo(v)}'. Use QUEUED, RUNNING, SUCCESS, ERROR or CANCELLED.")).Distinct().ToList(), null);
            case "type":
                var types = values.Distinct(StringComparer.Ordinal).ToList();
                return types.Count != 1 ? throw new InvalidRequestException("filter", "A filter on type takes one value.")
                    : types[0].Length > TaskValidation.MaxNameLength ? throw new InvalidRequestException("filter", $"A type is at most {TaskValidation.MaxNameLength} characters.")
                    : (null, types[0]);
            default:
                throw new InvalidRequestException("filter_property", $"Tasks can be filtered by status or type, not '{Echo(name)}'.");
        }
    }

    /// <summary>
    /// Tasks are kept in submission order, so they sort by <c>start_time</c> (submission order) or by <c>id</c> (ids are
    /// time-based and, as text, sort newest first). Without sort_by: newest first; with sort_by and no order_by: ascending.
    /// </summary>
    private static bool ParseOrder(StringValues sortBy, StringValues orderBy)
    {
        var key = sortBy.ToString().Trim().ToLowerInvariant();
        var direction = orderBy.ToString().Trim().ToLowerInvariant();
        var ascending = direction switch
        {
            "" => key.Length > 0,
            "asc" or "ascending" => true,
            "desc" or "descending" => false,
            _ => throw new InvalidRequestException("order_by", $"order_by must be asc, ascending, desc or descending, not '{Echo(direction)}'."),
        };
        return key switch
        {
            "" or "start_time" => ascending,
            "id" => !ascending,
            _ => throw new InvalidRequestException("sort_by", $"Tasks can be sorted by start_time or id, not '{Echo(key)}'."),
        };
    }

    private static int? Int(StringValues value, string name) =>
        string.IsNullOrWhiteSpace(value) ? null
        : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : throw new InvalidRequestException(name, $"{name} must be a whole number.");

    private static string Echo(string text) => text.Length <= MaxEchoedLength ? text : text[..MaxEchoedLength] + "…";
}
