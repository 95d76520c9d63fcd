using System.Text.Json;

namespace FuncTasks.Storage;

/// <summary>The body of a queue message: run task <see cref="TaskId"/> for run <see cref="Generation"/>.</summary>
public sealed record RunMessage(Guid TaskId, int Generation)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RunMessage? TryParse(string body)
    {
        try
        {
            var message = JsonSerializer.Deserialize<RunMessage>(body, Json);
            return message is { TaskId: var id } && id != Guid.Empty ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
