using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FuncTasks.IntegrationTests.Docs;

/// <summary>Checks a FuncTasks webhook (Standard Webhooks): the signature over "{id}.{timestamp}.{body}" and a fresh timestamp.</summary>
public static class WebhookVerifier
{
    public static bool Verify(string secret, string id, string timestamp, string signatures, byte[] body, DateTimeOffset now)
    {
        // Refuse old or future-dated messages (replays): five minutes either way.
        if (!long.TryParse(timestamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed)));
        // The header may carry several signatures (during a secret rotation), separated by spaces.
        return signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}
