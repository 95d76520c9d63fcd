using System.Text.Json;
using FuncTasks.Api.OpenApi;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.Vcf;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Api.Subscriptions;

/// <summary>Webhook subscriptions (<c>/v1/subscriptions</c>): operator keys create, change and delete; any key reads.</summary>
public static class SubscriptionsApi
{
    public const int MaxDeliveriesPage = 100;
    public const int DefaultDeliveriesPage = 50;

    public const string Tag = "Webhook subscriptions";

    /// <summary>What the subscriptions API adds to the services: the notification options and its part of the OpenAPI document.</summary>
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.Lease > o.DeliveryTimeout * 2, "FuncTasks:Notifications:Lease must be more than twice DeliveryTimeout (a delivery must end well within its lease).").ValidateOnStart();
        return services.AddDialectOpenApi<SubscriptionsOpenApi>();
    }

    public static RouteGroupBuilder MapSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/subscriptions").WithTags(Tag).ProducesLimits(typeof(VcfError));
        group.MapPost("", (Func<HttpContext, Task<IResult>>)CreateAsync)
            .WithName("CreateSubscription").WithSummary("Subscribe a URL to task and step events; the answer shows the signing secret, once")
            .Accepts<SubscriptionRequest>("application/json")
            .Produces<SubscriptionCreated>(StatusCodes.Status201Created).Produces<VcfError>(400).Produces<VcfError>(401).Produces<VcfError>(403).Produces<VcfError>(500);
        group.MapGet("", (Func<HttpContext, Task<IResult>>)ListAsync)
            .WithName("GetSubscriptions").WithSummary("List the subscriptions with their delivery figures")
            .Produces<SubscriptionList>().Produces<VcfError>(401).Produces<VcfError>(500);
        group.MapGet("/{id}", (HttpContext http, string id) => GetAsync(http, id))
            .WithName("GetSubscription").WithSummary("Get a subscription with its delivery figures")
            .Produces<SubscriptionView>().Produces<VcfError>(401).Produces<VcfError>(404).Produces<VcfError>(500);
        group.MapPatch("/{id}", (HttpContext http, string id) => UpdateAsync(http, id))
            .WithName("UpdateSubscription").WithSummary("Change a subscription's URL, filters or description, or enable or disable it")
            .Accepts<SubscriptionRequest>("application/json")
            .Produces<SubscriptionView>().Produces<VcfError>(400).Produces<VcfError>(401).Produces<VcfError>(403).Produces<VcfError>(404).Produces<VcfError>(500);
        group.MapDelete("/{id}", (HttpContext http, string id) => DeleteAsync(http, id))
            .WithName("DeleteSubscription").WithSummary("Delete a subscription; nothing more is delivered to it")
            .Produces(StatusCodes.Status204NoContent).Produces<VcfError>(401).Produces<VcfError>(403).Produces<VcfError>(404).Produces<VcfError>(500);
        group.MapGet("/{id}/deliveries", (HttpContext http, string id) => DeliveriesAsync(http, id))
            .WithName("GetSubscriptionDeliveries").WithSummary("Recent delivery attempts of a subscription, newest first, with status code and latency")
            .Produces<DeliveryList>().Produces<VcfError>(400).Produces<VcfError>(401).Produces<VcfError>(404).Produces<VcfError>(500);
        return group;
    }

    public static Task<IResult> CreateAsync(HttpContext http) =>
        SubscriptionsDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var body = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted);
            var created = await Handler(http).CreateAsync(Change(body), http.RequestAborted);
            var answer = new SubscriptionCreated(created.Id.ToString(), created.Url, created.Events, created.TaskTypes, created.Description, created.Enabled,
                created.Secret, Wire.Time(created.CreatedAt)!);
            http.Response.Headers.Location = $"/v1/subscriptions/{created.Id}";
            return VcfDialect.Json(StatusCodes.Status201Created, answer);
        });

    public static Task<IResult> ListAsync(HttpContext http) =>
        SubscriptionsDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
        {
            var store = http.RequestServices.GetRequiredService<ISubscriptionStore>();
            var views = new List<SubscriptionView>();
            foreach (var subscription in await store.ListAsync(http.RequestAborted))
            {
                views.Add(View(subscription, await store.GetFiguresAsync(subscription.Id, http.RequestAborted)));
            }

            return VcfDialect.Json(200, new SubscriptionList(views));
        });

    public static Task<IResult> GetAsync(HttpContext http, string id) =>
        SubscriptionsDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
        {
            var subscription = await Handler(http).GetAsync(ParseId(id), http.RequestAborted);
            var figures = await http.RequestServices.GetRequiredService<ISubscriptionStore>().GetFiguresAsync(subscription.Id, http.RequestAborted);
            return VcfDialect.Json(200, View(subscription, figures));
        });

    public static Task<IResult> UpdateAsync(HttpContext http, string id) =>
        SubscriptionsDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            var subscriptionId = ParseId(id);
            var body = await JsonBody.ReadObjectAsync(http.Request, http.RequestAborted);
            var change = Change(body);
            if (change == new SubscriptionChange())
            {
                throw new InvalidRequestException("body", "Nothing to change: give at least one of url, events, taskTypes, description, enabled.");
            }

            var updated = await Handler(http).UpdateAsync(subscriptionId, change, http.RequestAborted);
            var figures = await http.RequestServices.GetRequiredService<ISubscriptionStore>().GetFiguresAsync(updated.Id, http.RequestAborted);
            return VcfDialect.Json(200, View(updated, figures));
        });

    public static Task<IResult> DeleteAsync(HttpContext http, string id) =>
        SubscriptionsDialect.Instance.RunAsync(http, KeyRole.Operator, async () =>
        {
            await Handler(http).DeleteAsync(ParseId(id), http.RequestAborted);
            return Results.NoContent();
        });

    public static Task<IResult> DeliveriesAsync(HttpContext http, string id) =>
        SubscriptionsDialect.Instance.RunAsync(http, KeyRole.Reader, async () =>
        {
            var subscriptionId = ParseId(id);
            var limitText = http.Request.Query["limit"].ToString();
            var limit = DefaultDeliveriesPage;
            if (limitText.Length > 0 && (!int.TryParse(limitText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out limit)
                || limit is < 1 or > MaxDeliveriesPage))
            {
                throw new InvalidRequestException("limit", $"limit must be a whole number between 1 and {MaxDeliveriesPage}.");
            }

            await Handler(http).GetAsync(subscriptionId, http.RequestAborted);
            var attempts = await http.RequestServices.GetRequiredService<ISubscriptionStore>().RecentDeliveriesAsync(subscriptionId, limit, http.RequestAborted);
            return VcfDialect.Json(200, new DeliveryList(attempts.Select(a => new DeliveryView(
                a.EventId, a.EventType, a.TaskId.ToString(), a.Attempt, Wire.Time(a.At)!, a.StatusCode, a.LatencyMs, Outcome(a.Outcome), a.Error)).ToList()));
        });

    private static SubscriptionsHandler Handler(HttpContext http) => http.RequestServices.GetRequiredService<SubscriptionsHandler>();

    private static SubscriptionView View(Subscription s, SubscriptionFigures f) => new(
        s.Id.ToString(), s.Url, s.Events, s.TaskTypes, s.Description, s.Enabled, s.DisabledReason, Wire.Time(s.CreatedAt)!, Wire.Time(s.UpdatedAt)!,
        new SubscriptionFiguresView(f.Delivered, f.FailedAttempts, f.GaveUp, f.Failing, f.LastError, Wire.Time(f.LastErrorAt), Wire.Time(f.LastDeliveryAt)));

    private static string Outcome(DeliveryOutcome outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => "DELIVERED",
        DeliveryOutcome.GaveUp => "GAVE_UP",
        _ => "FAILED",
    };

    /// <summary>An id that is not a GUID names no subscription: 404 without a storage call.</summary>
    private static Guid ParseId(string id) =>
        Guid.TryParseExact(id, "D", out var guid) && guid != Guid.Empty
            ? guid
            : throw new TaskNotFoundException(NotFoundKind.Subscription, id.Length <= 100 ? id : id[..100] + "…");

    private static SubscriptionChange Change(JsonElement body) => new(
        body.String("url"),
        Strings(body, "events"),
        Strings(body, "taskTypes"),
        body.String("description"),
        Bool(body, "enabled"));

    private static List<string>? Strings(JsonElement body, string name)
    {
        if (body.Property(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException(name, $"'{name}' must be an array of strings.");
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new InvalidRequestException(name, $"'{name}' must be an array of strings."));
        }

        return list;
    }

    private static bool? Bool(JsonElement body, string name) => body.Property(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw new InvalidRequestException(name, $"'{name}' must be true or false."),
    };
}
