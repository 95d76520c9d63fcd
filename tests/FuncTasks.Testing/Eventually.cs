using System.Diagnostics;
using System.Globalization;

namespace FuncTasks.Testing;

/// <summary>
/// The one way a test (or the bench) waits for something to happen: it polls observable state until a condition holds,
/// with a deadline, and fails with what it waited for and the last value it saw. Nothing decides that something settled
/// by sleeping; the pause between two polls is the only delay.
/// </summary>
/// <example><code>
/// await Eventually.Until(() => target.Calls("slow") == 1, "the slow step was called");
/// var task = await Eventually.Value(() => client.GetJsonAsync($"/v1/tasks/{id}"), t => t["status"].Str() == "FAILED",
///     $"task {id} failed", describe: t => t.ToJsonString());
/// </code></example>
public static class Eventually
{
    /// <summary>How long a wait lasts unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The pause between two polls unless told otherwise.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds.</summary>
    /// <param name="because">What is awaited, in words ("the step was cancelled"): the failure says so.</param>
    public static Task Until(Func<bool> condition, string because, TimeSpan? timeout = null, TimeSpan? every = null, CancellationToken cancellationToken = default) =>
        Value(() => Task.FromResult(condition()), held => held, because, timeout, every, held => held ? "true" : "false", cancellationToken: cancellationToken);

    /// <summary>Polls an asynchronous <paramref name="condition"/> until it holds.</summary>
    /// <param name="retryOn">Exceptions of <paramref name="condition"/> that mean "not yet" (see <see cref="Value{T}(Func{Task{T}}, Func{T, bool}, string, TimeSpan?, TimeSpan?, Func{T, string}?, Func{Exception, bool}?, CancellationToken)"/>).</param>
    public static Task Until(
        Func<Task<bool>> condition,
        string because,
        TimeSpan? timeout = null,
        TimeSpan? every = null,
        Func<Exception, bool>? retryOn = null,
        CancellationToken cancellationToken = default) =>
        Value(condition, held => held, because, timeout, every, held => held ? "true" : "false", retryOn, cancellationToken);

    /// <summary>
    /// Reads <paramref name="read"/> until <paramref name="done"/> holds for what it returned, and returns that value. It
    /// reads at least once, and once more after the deadline has passed before it gives up.
    /// </summary>
    /// <param name="read">Reads the observable state. An exception fails the wait at once, unless <paramref name="retryOn"/> accepts it.</param>
    /// <param name="done">Whether the state read is the one awaited.</param>
    /// <param name="because">What is awaited, in words: the failure says so, with the last value read.</param>
    /// <param name="timeout">The deadline (<see cref="DefaultTimeout"/> unless given).</param>
    /// <param name="every">The pause between two reads (<see cref="DefaultInterval"/> unless given).</param>
    /// <param name="describe">How the last value is shown in the failure (its <c>ToString()</c> unless given).</param>
    /// <param name="retryOn">Exceptions of <paramref name="read"/> that mean "not yet" (a port that does not accept yet); the last one is shown in the failure.</param>
    public static async Task<T> Value<T>(
        Func<Task<T>> read,
        Func<T, bool> done,
        string because,
        TimeSpan? timeout = null,
        TimeSpan? every = null,
        Func<T, string>? describe = null,
        Func<Exception, bool>? retryOn = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var limit = timeout ?? DefaultTimeout;
        var pause = every ?? DefaultInterval;
        var clock = Stopwatch.StartNew();
        var polls = 0;
        var seen = false;
        T last = default!;
        Exception? failure = null;
        while (true)
        {
            var late = clock.Elapsed >= limit;
            polls++;
            try
            {
                last = await read();
                seen = true;
                failure = null;
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (retryOn is not null && retryOn(ex) && !cancellationToken.IsCancellationRequested)
            {
                failure = ex;
            }

            if (late)
            {
                var observed = failure is not null
                    ? $"the last read failed: {failure.GetType().Name}: {failure.Message}"
                    : seen ? "last observed: " + Describe(last, describe) : "nothing was observed";
                throw new EventuallyTimeoutException(
                    string.Create(CultureInfo.InvariantCulture, $"Timed out after {clock.Elapsed.TotalSeconds:F1} s ({polls} polls) waiting until {because}; {observed}"),
                    failure);
            }

            var left = limit - clock.Elapsed;
            await Task.Delay(left > TimeSpan.Zero && left < pause ? left : pause, cancellationToken);
        }
    }

    private static string Describe<T>(T value, Func<T, string>? describe) =>
        describe is not null ? describe(value) : value?.ToString() ?? "null";
}
