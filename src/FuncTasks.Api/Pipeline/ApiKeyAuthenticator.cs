using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FuncTasks.Api.Pipeline;

/// <summary>
/// Finds the caller from <c>Authorization: Bearer &lt;secret&gt;</c> or <c>x-functions-key: &lt;secret&gt;</c>.
/// Secrets are compared in constant time; keys without a secret or with an unknown role are ignored.
/// </summary>
public sealed class ApiKeyAuthenticator(IOptionsMonitor<AuthOptions> options)
{
    public const string FunctionsKeyHeader = "x-functions-key";

    public Caller? Authenticate(HttpRequest request)
    {
        var presented = PresentedSecret(request);
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        Caller? found = null;
        foreach (var key in options.CurrentValue.Keys)
        {
            if (string.IsNullOrEmpty(key.Secret) || ParseRole(key.Role) is not { } role)
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(presentedHash, SHA256.HashData(Encoding.UTF8.GetBytes(key.Secret))))
            {
                found ??= new Caller(string.IsNullOrEmpty(key.Name) ? "key" : key.Name, role);
            }
        }

        return found;
    }

    public static KeyRole? ParseRole(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        "reader" => KeyRole.Reader,
        "operator" => KeyRole.Operator,
        _ => null,
    };

    private static string? PresentedSecret(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var functionsKey = request.Headers[FunctionsKeyHeader].ToString();
        return string.IsNullOrWhiteSpace(functionsKey) ? null : functionsKey.Trim();
    }
}
