using System.Text.Json;
using System.Text.Json.Serialization;

namespace FuncTasks.Core.Model;

/// <summary>Keeps a step's parameters within what one Table Storage property holds (32K characters of JSON).</summary>
public static class ParamsSize
{
    public const int MaxSerializedLength = 30_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Check(IReadOnlyDictionary<string, ParamValue> parameters, string field, string owner)
    {
        var length = JsonSerializer.Serialize(parameters, Json).Length;
        if (length > MaxSerializedLength)
        {
            throw new InvalidRequestException(field,
                $"{owner}: the parameters take {length} characters as JSON; a step's parameters may take at most {MaxSerializedLength}.");
        }
    }
}
