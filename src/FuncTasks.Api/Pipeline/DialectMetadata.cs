namespace FuncTasks.Api.Pipeline;

/// <summary>OpenAPI metadata shared by every endpoint of a dialect.</summary>
public static class DialectMetadata
{
    /// <summary>Every endpoint may answer 429 (over the key's rate) and 503 (storage unavailable) in the dialect's error body.</summary>
    public static TBuilder ProducesLimits<TBuilder>(this TBuilder builder, Type errorBody) where TBuilder : Microsoft.AspNetCore.Builder.IEndpointConventionBuilder =>
        Microsoft.AspNetCore.Builder.RoutingEndpointConventionBuilderExtensions.WithMetadata(builder,
            new Microsoft.AspNetCore.Http.ProducesResponseTypeMetadata(429, errorBody, ["application/json"]),
            new Microsoft.AspNetCore.Http.ProducesResponseTypeMetadata(503, errorBody, ["application/json"]));
}
