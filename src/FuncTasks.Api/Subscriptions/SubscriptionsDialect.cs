using FuncTasks.Api.Pipeline;
using FuncTasks.Api.Vcf;
using FuncTasks.Core;
using Microsoft.AspNetCore.Http;

namespace FuncTasks.Api.Subscriptions;

/// <summary>FuncTasks' own subscriptions API speaks with the VCF <c>Error</c> body, naming a missing subscription as such.</summary>
public sealed class SubscriptionsDialect : Dialect
{
    public static SubscriptionsDialect Instance { get; } = new();

    public override string Name => "Subscriptions";

    public override IResult Unauthorized(HttpContext http) => VcfDialect.Instance.Unauthorized(http);

    public override IResult Forbidden(HttpContext http, Caller caller) => VcfDialect.Instance.Forbidden(http, caller);

    public override IResult Error(HttpContext http, FuncTasksException error) => error switch
    {
        TaskNotFoundException { Kind: NotFoundKind.Subscription } nf => VcfDialect.Json(404, VcfDialect.Error("SUBSCRIPTION_NOT_FOUND", "NOT_FOUND", "Subscription not found",
            [nf.Id], new Dictionary<string, string> { ["id"] = nf.Id })),
        _ => VcfDialect.Instance.Error(http, error),
    };

    public override IResult InternalError(HttpContext http, string reference) => VcfDialect.Instance.InternalError(http, reference);

    public override IResult Unavailable(HttpContext http, string reference, TimeSpan retryAfter) => VcfDialect.Instance.Unavailable(http, reference, retryAfter);

    public override IResult TooManyRequests(HttpContext http, string partition, TimeSpan retryAfter) => VcfDialect.Instance.TooManyRequests(http, partition, retryAfter);
}
