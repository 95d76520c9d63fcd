using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>
/// The request is malformed or breaks a rule; <see cref="Field"/> names what is wrong. When <see cref="Rule"/> is set,
/// the facts (<see cref="Value"/>, <see cref="Limit"/>, <see cref="Count"/>) let a dialect word it; the message is generic.
/// </summary>
public sealed class InvalidRequestException(string field, string message) : FuncTasksException(message)
{
    public string Field { get; } = field;

    public RequestRule? Rule { get; init; }

    public string? Value { get; init; }

    public int? Limit { get; init; }

    public int? Count { get; init; }
}
