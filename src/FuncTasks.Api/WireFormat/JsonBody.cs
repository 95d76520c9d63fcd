using System.Text.Json;
using FuncTasks.Core;
using FuncTasks.Core.Commands;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Http;

namespace FuncTasks.Api.WireFormat;

/// <summary>
/// Reads request bodies with a size limit and parses typed parameters with messages that name the problem. Every
/// dialect reads its bodies here, so the limits below hold for all of them: a hostile body is refused with the
/// dialect's 400-class answer before anything is parsed further, looked up or stored.
/// </summary>
public static class JsonBody
{
    /// <summary>Most bytes a body may have, with or without a Content-Length (a chunked body is counted as it arrives).</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>Deepest nesting of objects and arrays (the top-level object is 1): the vendor bodies need 6.</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// Longest string value anywhere in a body, in UTF-16 characters: a backstop well above every field's own cap (a
    /// STRING parameter holds 16 K, a job's fields 30 K as JSON), so those fields still answer with their own message.
    /// </summary>
    public const int MaxStringLength = 64 * 1024;

    /// <summary>Longest property name anywhere in a body (and so the longest parameter name), in UTF-16 characters.</summary>
    public const int MaxPropertyNameLength = 256;

    /// <summary>Set in <see cref="HttpContext.Items"/> while a request body is being received.</summary>
    public const string ReadingBodyKey = "FuncTasks.ReadingBody";

    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken, bool allowEmpty = false)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        // While the body arrives a timeout or a broken connection is the client's, not storage's (Dialect.RunAsync).
        request.HttpContext.Items[ReadingBodyKey] = true;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        request.HttpContext.Items.Remove(ReadingBodyKey);

        if (buffer.Length > 0 && !IsJson(request.ContentType))
        {
            throw new InvalidRequestException("body", $"The request body must be JSON (Content-Type: application/json), not '{FailureDetails.Cap(request.ContentType!, 100)}'.");
        }

        if (buffer.Length == 0)
        {
            return allowEmpty
                ? JsonDocument.Parse("{}").RootElement.Clone()
                : throw new InvalidRequestException("body", "The request body is empty; a JSON object is expected.");
        }

        try
        {
            var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            CheckLimits(json.Span);
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new InvalidRequestException("body", $"The request body must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
        }
        catch (JsonException ex)
        {
            throw new InvalidRequestException("body", $"The request body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>
    /// No Content-Type, <c>application/json</c> or any <c>+json</c> type (with any parameters). Checked here rather
    /// than by routing, so a wrong media type is answered in the dialect's error body, after authentication, on every host.
    /// </summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// One forward pass over the raw JSON before it becomes a document: nesting, the length of every string and
    /// property name, and text that is not valid UTF-8 or holds an unpaired surrogate escape (<c>"\ud800"</c>), which
    /// could not be stored or written back. Syntax errors surface as <see cref="JsonException"/>.
    /// </summary>
    private static void CheckLimits(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        string? property = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth >= MaxDepth:
                    throw new InvalidRequestException("body", $"The request body nests objects and arrays deeper than {MaxDepth} levels.");
                case JsonTokenType.PropertyName:
                    property = Text(ref reader, property);
                    if (property.Length > MaxPropertyNameLength)
                    {
                        throw new InvalidRequestException("body",
                            $"A property name in the request body is longer than {MaxPropertyNameLength} characters ('{property[..40]}…').");
                    }

                    break;
                case JsonTokenType.String when Text(ref reader, property).Length > MaxStringLength:
                    throw new InvalidRequestException(property ?? "body",
                        $"'{property ?? "body"}' is longer than {MaxStringLength} characters; no string in a request body may be.");
            }
        }
    }

    private static string Text(ref Utf8JsonReader reader, string? property)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            var where = property is null ? "the request body" : $"'{FailureDetails.Cap(property, 40)}'";
            throw new InvalidRequestException(property ?? "body", $"A string in {where} is not valid text (invalid UTF-8 or an unpaired surrogate).");
        }
    }

    public static string? String(this JsonElement body, string name, string? field = null)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new InvalidRequestException(field ?? name, $"'{field ?? name}' must be a string.");
    }

    public static JsonElement? Property(this JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>
    /// Parses <c>steps: [{name, action, description?, params?, retry?, timeoutSeconds?}]</c>; null when absent. The parameters are read by
    /// <paramref name="parseParams"/> (plain values, or values and declared inputs for a workflow).
    /// </summary>
    public static List<NewStep>? Steps(JsonElement body, Func<JsonElement?, string, Dictionary<string, ParamValue>?>? parseParams = null)
    {
        if (body.Property("steps") is not { } steps)
        {
            return null;
        }

        if (steps.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException("steps", "'steps' must be an array of {name, action, params}.");
        }

        var result = new List<NewStep>();
        var i = 0;
        foreach (var step in steps.EnumerateArray())
        {
            var field = $"steps[{i++}]";
            if (step.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRequestException(field, $"{field} must be an object {{name, action, params}}.");
            }

            result.Add(new NewStep(
                step.String("name", field + ".name"),
                step.String("action", field + ".action"),
                step.String("description", field + ".description"),
                (parseParams ?? Params)(step.Property("params"), field + ".params"))
            {
                Retry = RetryJson.Parse(step.Property("retry"), field + ".retry"),
                TimeoutSeconds = RetryJson.Timeout(step.Property("timeoutSeconds"), field + ".timeoutSeconds"),
            });
        }

        return result;
    }

    /// <summary>Parses <c>{name: {strValue | longValue | doubleValue, type}}</c>; null when absent.</summary>
    public static Dictionary<string, ParamValue>? Params(JsonElement? element, string field)
    {
        if (element is not { } e)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException(field, $"'{field}' must be an object of named parameters.");
        }

        var result = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var property in e.EnumerateObject())
        {
            if (property.Name.Length is 0 or > TaskValidation.MaxNameLength)
            {
                throw new InvalidRequestException(field, $"'{field}': a parameter name must have 1 to {TaskValidation.MaxNameLength} characters.");
            }

            var value = ParseParam(property.Value, $"{field}.{property.Name}", property.Name);
            if (value.Problem(property.Name) is { } problem)
            {
                throw new InvalidRequestException($"{field}.{property.Name}", problem);
            }

            result[property.Name] = value;
        }

        return result;
    }

    private static ParamValue ParseParam(JsonElement value, string field, string name)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException(field, $"Parameter '{name}' must be an object {{strValue | longValue | doubleValue, type}}.");
        }

        var typeText = value.String("type", field + ".type");
        if (typeText is null || !Enum.TryParse<ParamType>(typeText, ignoreCase: true, out var type) || !Enum.IsDefined(type) || int.TryParse(typeText, out _))
        {
            throw new InvalidRequestException(field + ".type", $"Parameter '{name}' needs a 'type' of STRING, LONG or DOUBLE.");
        }

        string? str = null;
        long? longValue = null;
        double? doubleValue = null;
        if (value.Property("strValue") is { } s)
        {
            str = s.ValueKind == JsonValueKind.String ? s.GetString() : throw Mismatch(field, name, "strValue", "a string");
        }

        if (value.Property("longValue") is { } l)
        {
            longValue = l.ValueKind == JsonValueKind.Number && l.TryGetInt64(out var lv) ? lv : throw Mismatch(field, name, "longValue", "a whole number");
        }

        if (value.Property("doubleValue") is { } d)
        {
            doubleValue = d.ValueKind == JsonValueKind.Number && d.TryGetDouble(out var dv) ? dv : throw Mismatch(field, name, "doubleValue", "a number");
        }

        return new ParamValue(type, str, longValue, doubleValue);
    }

    private static InvalidRequestException Mismatch(string field, string name, string property, string expected) =>
        new($"{field}.{property}", $"Parameter '{name}': {property} must be {expected}.");

    private static InvalidRequestException TooLarge() =>
        new("body", $"The request body is larger than {MaxBytes / 1024} KB.");
}
