namespace FuncTasks.Api.Subscriptions;

/// <summary>
/// The body of <c>POST /v1/subscriptions</c> and <c>PATCH /v1/subscriptions/{id}</c> (documentation shape; the handler reads
/// it field by field for precise errors). <c>url</c> is required to create; a patch changes the fields it gives.
/// </summary>
public sealed record SubscriptionRequest(
    string? Url,
    IReadOnlyList<string>? Events,
    IReadOnlyList<string>? TaskTypes,
    string? Description,
    bool? Enabled);
