namespace FuncTasks.Storage;

/// <summary>
/// How a host waits for storage at start instead of crashing into a restart loop: the attempt is tried again after 1 s,
/// then a doubling wait of at most 30 s, for as long as <c>retryable</c> accepts the failure and the host is not stopping.
/// </summary>
public static class StartupRetry
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <returns>The number of tries it took.</returns>
    /// <param name="failed">Called with each failure that is waited out, its try number and the wait before the next.</param>
    public static async Task<int> RunAsync(
        Func<Task> attempt, Func<Exception, bool> retryable, Action<Exception, int, TimeSpan> failed, TimeProvider time, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromSeconds(1);
        for (var tries = 1; ; tries++)
        {
            try
            {
                await attempt();
                return tries;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && retryable(ex))
            {
                failed(ex, tries, wait);
            }

            await Task.Delay(wait, time, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxWait.Ticks));
        }
    }
}
