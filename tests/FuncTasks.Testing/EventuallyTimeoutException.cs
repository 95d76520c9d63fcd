namespace FuncTasks.Testing;

/// <summary>What <see cref="Eventually"/> throws when the awaited state was not observed before the deadline.</summary>
public sealed class EventuallyTimeoutException : TimeoutException
{
    public EventuallyTimeoutException()
    {
    }

    public EventuallyTimeoutException(string message)
        : base(message)
    {
    }

    public EventuallyTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
