namespace FuncTasks.Core.Model;

/// <summary>
/// A failure as data: the exception type, its message, its stack and the inner failure
/// (the shape of Durable Task's TaskFailureDetails). Sizes are capped so a row never overflows.
/// </summary>
public sealed record FailureDetails(string ErrorType, string Message, string? StackTrace = null, FailureDetails? InnerFailure = null)
{
    public const int MaxMessageLength = 2048;
    public const int MaxStackTraceLength = 8192;
    private const int MaxDepth = 5;

    public static FailureDetails FromException(Exception exception) => FromException(exception, 0);

    public IEnumerable<FailureDetails> Chain()
    {
        for (var f = this; f is not null; f = f.InnerFailure)
        {
            yield return f;
        }
    }

    private static FailureDetails FromException(Exception exception, int depth)
    {
        var inner = exception is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : exception.InnerException;
        return new FailureDetails(
            exception.GetType().FullName ?? exception.GetType().Name,
            Cap(exception.Message, MaxMessageLength),
            exception.StackTrace is { } st ? Cap(st, MaxStackTraceLength) : null,
            inner is not null && depth < MaxDepth ? FromException(inner, depth + 1) : null);
    }

    public static string Cap(string value, int max) => value.Length <= max ? value : value[..max] + "…";
}
