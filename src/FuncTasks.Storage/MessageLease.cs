using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FuncTasks.Core.Engine;

namespace FuncTasks.Storage;

/// <summary>
/// Keeps a received run message invisible while its task runs (renewing the visibility timeout), and
/// notices when the message was lost to another worker (its pop receipt no longer valid). Through a storage
/// outage renewals fail without giving the run up: once storage is back, a renewal with the old pop receipt
/// succeeds if no other worker received the message meanwhile, and fails with PopReceiptMismatch if one did.
/// </summary>
internal sealed class MessageLease : IAsyncDisposable
{
    private readonly QueueClient _queue;
    private readonly string _messageId;
    private readonly TimeSpan _visibility;
    private readonly StorageOutage _outage;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private string _popReceipt;
    private long _renewedAt;
    private Task _heartbeat = Task.CompletedTask;

    /// <param name="receivedAt">A timestamp of <paramref name="time"/> taken before the message was received.</param>
    public MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility, StorageOutage outage, TimeProvider time, long receivedAt)
    {
        _queue = queue;
        _messageId = message.MessageId;
        _popReceipt = message.PopReceipt;
        _visibility = visibility;
        _outage = outage;
        _time = time;
        _renewedAt = receivedAt;
    }

    /// <summary>Cancelled when the message can no longer be renewed: another worker owns the run now.</summary>
    public CancellationToken Lost => _lost.Token;

    public void Start(TimeSpan interval, Func<CancellationToken, Task> onBeat) =>
        _heartbeat = BeatAsync(interval, onBeat);

    /// <summary>
    /// Deletes the message (its run is done). Through an outage it is tried again until <paramref name="stopping"/>;
    /// given up then, the message reappears and its next delivery finds nothing left to do.
    /// </summary>
    public async Task DeleteAsync(CancellationToken stopping)
    {
        await StopAsync();
        try
        {
            await _outage.RetryAsync(() => UnderGateAsync(() => _queue.DeleteMessageAsync(_messageId, _popReceipt, CancellationToken.None)), stopping);
        }
        catch (RequestFailedException ex) when (IsGone(ex))
        {
            // Already gone (redelivered and deleted elsewhere): nothing left to do.
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Gives the message back to the queue after <paramref name="delay"/> (a backoff after an error, or a step's wait for its
    /// next attempt), its text replaced by <paramref name="messageText"/> when given.
    /// </summary>
    public async Task ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken, string? messageText = null)
    {
        await StopAsync();
        try
        {
            await UnderGateAsync(() => _queue.UpdateMessageAsync(_messageId, _popReceipt, messageText, visibilityTimeout: delay, cancellationToken: cancellationToken));
        }
        catch (RequestFailedException ex) when (IsGone(ex))
        {
        }
        catch (Exception ex) when (_outage.IsOutage(ex))
        {
            // Storage is away: the message reappears by itself when its visibility timeout ends.
            _outage.Failed(ex);
        }
    }

    /// <summary>
    /// True when the message is still this run's: at once if a renewal made less than two thirds of the visibility
    /// timeout ago succeeded (no other worker can have received it since); otherwise (renewals failed through a storage
    /// outage) after renewing it now, waiting out the outage. False when another worker has received it meanwhile: then
    /// that worker runs the task, and this one must not start another step of it.
    /// </summary>
    public async Task<bool> EnsureOwnedAsync(CancellationToken cancellationToken)
    {
        if (_lost.IsCancellationRequested)
        {
            return false;
        }

        if (_time.GetElapsedTime(Interlocked.Read(ref _renewedAt)) < _visibility * 2 / 3)
        {
            return true;
        }

        try
        {
            await _outage.RetryAsync(() => RenewAsync(cancellationToken), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (IsGone(ex))
        {
            await LoseAsync();
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task BeatAsync(TimeSpan interval, Func<CancellationToken, Task> onBeat)
    {
        using var timer = new PeriodicTimer(interval, _time);
        var renewEvery = _visibility / 3;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    if (_time.GetElapsedTime(Interlocked.Read(ref _renewedAt)) >= renewEvery - TimeSpan.FromMilliseconds(1))
                    {
                        await RenewAsync(_stop.Token);
                        _outage.Recovered();
                    }

                    await onBeat(_stop.Token);
                }
                catch (RequestFailedException ex) when (IsGone(ex))
                {
                    await LoseAsync();
                    return;
                }
                catch (Exception ex) when (_outage.IsOutage(ex))
                {
                    // Storage is away: the run keeps going (or keeps its result) and the next beat tries again. Logged
                    // once per outage, not per beat; if the message reappears meanwhile, the renewal after the outage tells.
                    _outage.Failed(ex);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Another error: the next beat tries again before the message reappears.
                    BeatFailed?.Invoke(ex);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task<T> UnderGateAsync<T>(Func<Task<T>> call)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            return await call();
        }
        finally
        {
            _gate.Release();
        }
    }

    public Action<Exception>? BeatFailed { get; init; }

    /// <summary>Called once when the message turns out to be another worker's (its pop receipt is no longer valid).</summary>
    public Action? MessageLost { get; init; }

    private async Task LoseAsync()
    {
        if (!_lost.IsCancellationRequested)
        {
            await _lost.CancelAsync();
            MessageLost?.Invoke();
        }
    }

    /// <summary>
    /// The message is no longer ours: deleted (404), or received again by another worker after it became visible,
    /// which changed its pop receipt (400 PopReceiptMismatch). Retrying with the old receipt can never succeed.
    /// </summary>
    private static bool IsGone(RequestFailedException ex) =>
        ex.Status == 404 || (ex.Status == 400 && ex.ErrorCode == "PopReceiptMismatch");

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Not cancelled once sent: a renewal that reached the queue changed the pop receipt, and a delete or release
            // with the old one would fail (the message would come back although its run is done).
            var started = _time.GetTimestamp();
            var receipt = await _queue.UpdateMessageAsync(_messageId, _popReceipt, visibilityTimeout: _visibility, cancellationToken: CancellationToken.None);
            _popReceipt = receipt.Value.PopReceipt;
            Interlocked.Exchange(ref _renewedAt, started);
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
