using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FuncTasks.Core;
using FuncTasks.Core.Idempotency;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Api.Pipeline;

/// <summary>
/// The <c>Idempotency-Key</c> header of the creating endpoints (each dialect's create): the same key and body
/// within the window returns the first result (same id) and creates nothing; the same key with another body is
/// refused with 409. Keys are scoped per API key and endpoint.
/// A replayed answer carries <c>Idempotent-Replayed: true</c>.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Runs <paramref name="create"/> under the request's key (or plainly when it has none).</summary>
    public static Task<IdempotentResult> CreateAsync(HttpContext http, JsonElement body, Func<Guid?, CancellationToken, Task<TaskSnapshot>> create)
    {
        var creator = http.RequestServices.GetRequiredService<IdempotentCreate>();
        return creator.RunAsync(Read(http, body, creator), create, http.RequestAborted);
    }

    /// <summary>Marks a replayed answer; the status code and body are those of a first answer.</summary>
    public static IResult Replayed(this IResult result, HttpContext http, IdempotentResult outcome)
    {
        if (outcome.Replayed)
        {
            http.Response.Headers[ReplayedHeader] = "true";
        }

        return result;
    }

    private static IdempotencyRequest? Read(HttpContext http, JsonElement body, IdempotentCreate creator)
    {
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            throw new InvalidRequestException(Header, "Send at most one Idempotency-Key header.");
        }

        var key = values[0] ?? string.Empty;
        if (creator.Problem(key) is { } problem)
        {
            throw new InvalidRequestException(Header, problem);
        }

        var scope = $"{Dialect.CallerOf(http).Name} {http.Request.Method} {http.Request.Path}";
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body.GetRawText())));
        return new IdempotencyRequest(scope, key, fingerprint);
    }
}
