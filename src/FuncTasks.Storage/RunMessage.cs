using System.Text.Json;

namespace FuncTasks.Storage;

/// <summary>The body of a queue message: run task <see cref="TaskId"/> for run <see cref="Generation"/>.</summary>
public sealed record RunMessage(Guid TaskId, int Generation)
{
    /// <summary>
    /// Deliveries of this message that ended in a deliberate wait (a step waiting for its next attempt, or for an external
    /// step's timeout), not in a failure: the poison count leaves them out.
    /// </summary>
    public long Waits { get; init; }

    /// <summary>
    /// Set on the message kept for an external step's <c>timeoutSeconds</c>: the step and its attempt. If that attempt is
    /// over when the message comes back (the step was completed, and a new run message carries the task on), it is dropped.
    /// </summary>
    public int? TimeoutStep { get; init; }

    public int? TimeoutAttempt { get; init; }

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
