using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace FuncTasks.IntegrationTests.Fuzz;

/// <summary>
/// Checks an answer against the body type its endpoint declares for that status (VCF Error, Flatfile
/// <c>{errors}</c>, the Cognaize envelope, the DR error, or no body): every member that is not nullable must be
/// there, in the dialect's naming (camelCase or snake_case), recursively for the API's own records.
/// </summary>
public static class ErrorShape
{
    // NullabilityInfoContext caches in a plain Dictionary: not safe for the fuzz's parallel cases, so one per thread.
    [ThreadStatic]
    private static NullabilityInfoContext? _nullability;

    private static NullabilityInfoContext Nullability => _nullability ??= new NullabilityInfoContext();

    /// <summary>Null when <paramref name="body"/> fits <paramref name="declared"/>; otherwise what is wrong.</summary>
    public static string? Problem(Type declared, string body)
    {
        if (declared == typeof(void))
        {
            return body.Length == 0 ? null : $"the status is declared without a body, but one came: {Short(body)}";
        }

        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return $"the body is not JSON ({ex.Message}): {Short(body)}";
        }

        return Check(declared, json, "$");
    }

    private static string? Check(Type type, JsonElement json, string path)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return $"{path} should be a {type.Name} object, not {json.ValueKind}";
        }

        var members = json.EnumerateObject().ToDictionary(p => Normalize(p.Name), p => p.Value);
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        foreach (var parameter in constructor.GetParameters())
        {
            var name = Normalize(parameter.Name!);
            var required = parameter.ParameterType.IsValueType
                ? Nullable.GetUnderlyingType(parameter.ParameterType) is null
                : Nullability.Create(parameter).WriteState == NullabilityState.NotNull;
            if (!members.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    return $"{path}.{parameter.Name} is missing (a {type.Name} always has it)";
                }

                continue;
            }

            if (IsApiRecord(parameter.ParameterType) && Check(parameter.ParameterType, value, $"{path}.{parameter.Name}") is { } problem)
            {
                return problem;
            }

            if (ElementType(parameter.ParameterType) is { } element && IsApiRecord(element))
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    return $"{path}.{parameter.Name} should be an array of {element.Name}";
                }

                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Check(element, item, $"{path}.{parameter.Name}[{i++}]") is { } itemProblem)
                    {
                        return itemProblem;
                    }
                }
            }
        }

        return null;
    }

    private static bool IsApiRecord(Type type) => type.IsClass && type.Assembly == typeof(Api.FuncTasksApi).Assembly;

    private static Type? ElementType(Type type) =>
        type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType && type.GetGenericArguments() is [var element]
            ? element
            : null;

    private static string Normalize(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
