using System.Text.Json;
using FuncTasks.Core;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.WireFormat;

/// <summary>
/// Reads a <c>retry</c> policy and a step's <c>timeoutSeconds</c> from a request body, in every dialect, with messages
/// that name the field: wrong types, unknown fields and values out of range are refused before anything is stored.
/// </summary>
public static class RetryJson
{
    private static readonly string[] Fields = ["maxAttempts", "intervalSeconds", "backoffRate", "maxIntervalSeconds", "nonRetryable"];

    /// <summary>The policy in <paramref name="element"/>; null when absent. <c>maxAttempts</c> is required; the others default to 1 s, 2, 60 s.</summary>
    public static StepRetryPolicy? Parse(JsonElement? element, string field)
    {
        if (element is not { } e)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException(field, $"'{field}' must be an object {{maxAttempts, intervalSeconds, backoffRate, maxIntervalSeconds, nonRetryable}}.");
        }

        foreach (var property in e.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new InvalidRequestException($"{field}.{FailureDetails.Cap(property.Name, 60)}",
                    $"'{field}' has an unknown field '{FailureDetails.Cap(property.Name, 60)}'; known: {string.Join(", ", Fields)}.");
            }
        }

        var policy = new StepRetryPolicy
        {
            MaxAttempts = e.Property("maxAttempts") is { } max
                ? WholeNumber(max, $"{field}.maxAttempts")
                : throw new InvalidRequestException($"{field}.maxAttempts", $"'{field}' needs 'maxAttempts': how many attempts in all, 1 to {StepRetryPolicy.MaxAttemptsCap}."),
            IntervalSeconds = e.Property("intervalSeconds") is { } interval ? Number(interval, $"{field}.intervalSeconds") : StepRetryPolicy.Once.IntervalSeconds,
            BackoffRate = e.Property("backoffRate") is { } rate ? Number(rate, $"{field}.backoffRate") : StepRetryPolicy.Once.BackoffRate,
            MaxIntervalSeconds = e.Property("maxIntervalSeconds") is { } cap ? Number(cap, $"{field}.maxIntervalSeconds") : StepRetryPolicy.Once.MaxIntervalSeconds,
            NonRetryable = e.Property("nonRetryable") is { } list ? Strings(list, $"{field}.nonRetryable") : null,
        };
        TaskValidation.ValidateRetry(policy, field);
        return policy;
    }

    /// <summary>A step's <c>timeoutSeconds</c>: a whole number of seconds from 1 to 7 days; null when absent.</summary>
    public static int? Timeout(JsonElement? element, string field)
    {
        if (element is not { } e)
        {
            return null;
        }

        var seconds = WholeNumber(e, field);
        TaskValidation.ValidateTimeout(seconds, field);
        return seconds;
    }

    private static int WholeNumber(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw new InvalidRequestException(field, $"'{field}' must be a whole number.");

    private static double Number(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var n) && double.IsFinite(n)
            ? n
            : throw new InvalidRequestException(field, $"'{field}' must be a number.");

    private static List<string> Strings(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw new InvalidRequestException(field, $"'{field}' must be an array of error class names.");
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }
}
