using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace FuncTasks.Storage;

/// <summary>
/// Keeps a received run message invisible while its task runs (renewing the visibility timeout), and
/// notices when the message was lost to another worker (its pop receipt no longer valid).
/// </summary>
internal sealed class MessageLease : IAsyncDisposable
{
    private readonly QueueClient _queue;
    private readonly string _messageId;
    private readonly TimeSpan _visibility;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private string _popReceipt;
    private Task _heartbeat = Task.CompletedTask;

    public MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility)
    {
        _queue = queue;
        _messageId = message.MessageId;
        _popReceipt = message.PopReceipt;
        _visibility = visibility;
    }

    /// <summary>Cancelled when the message can no longer be renewed: another worker owns the run now.</summary>
    public CancellationToken Lost => _lost.Token;

    public void Start(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> onBeat) =>
        _heartbeat = BeatAsync(interval, time, onBeat);

    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _queue.DeleteMessageAsync(_messageId, _popReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsGone(ex))
        {
            // Already gone (redelivered and deleted elsewhere): nothing left to do.
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Gives the message back to the queue after <paramref name="delay"/> (a backoff after an error).</summary>
    public async Task ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await StopAsync();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _queue.UpdateMessageAsync(_messageId, _popReceipt, visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (IsGone(ex))
        {
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task BeatAsync(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> onBeat)
    {
        using var timer = new PeriodicTimer(interval, time);
        var renewEvery = _visibility / 3;
        var lastRenew = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    if (time.GetElapsedTime(lastRenew) >= renewEvery - TimeSpan.FromMilliseconds(1))
                    {
                        await RenewAsync();
                        lastRenew = time.GetTimestamp();
                    }

                    await onBeat(_stop.Token);
                }
                catch (RequestFailedException ex) when (IsGone(ex))
                {
                    await _lost.CancelAsync();
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A transient storage error: the next beat tries again before the message reappears.
                    BeatFailed?.Invoke(ex);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public Action<Exception>? BeatFailed { get; init; }

    /// <summary>
    /// The message is no longer ours: deleted (404), or received again by another worker after it became visible,
    /// which changed its pop receipt (400 PopReceiptMismatch). Retrying with the old receipt can never succeed.
    /// </summary>
    private static bool IsGone(RequestFailedException ex) =>
        ex.Status == 404 || (ex.Status == 400 && ex.ErrorCode == "PopReceiptMismatch");

    private async Task RenewAsync()
    {
        await _gate.WaitAsync(_stop.Token);
        try
        {
            // Not cancelled once sent: a renewal that reached the queue changed the pop receipt, and a delete or release
            // with the old one would fail (the message would come back although its run is done).
            var receipt = await _queue.UpdateMessageAsync(_messageId, _popReceipt, visibilityTimeout: _visibility, cancellationToken: CancellationToken.None);
            _popReceipt = receipt.Value.PopReceipt;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _heartbeat;
        }
        catch (Exception) when (_heartbeat.IsFaulted)
        {
            // A failed renewal leaves the message to reappear; the run's outcome is already stored.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _gate.Dispose();
        _lost.Dispose();
        _stop.Dispose();
    }
}
