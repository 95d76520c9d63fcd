using System.Net.Http.Headers;
using FuncTasks.Core.Actions;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Notifications;

/// <summary>
/// POSTs one signed CloudEvent to a subscription's URL through the <c>http</c> action's guarded client: no proxy, no
/// redirects followed (a 3xx is a failed attempt), every connection's address checked against
/// <c>FuncTasks:Http:AllowedHosts</c> like a step's.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<NotificationOptions> options, TimeProvider time)
{
    private const int MaxErrorExcerpt = 200;

    public async Task<WebhookResult> SendAsync(Subscription subscription, NotificationEvent notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(notification);
        var o = options.Value;
        var (body, contentType) = WebhookEnvelope.Encode(notification, o.Source);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, notification.Id);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(subscription.Secret, notification.Id, timestamp, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.DeliveryTimeout);
        var started = time.GetTimestamp();
        try
        {
            using var response = await clients.CreateClient(HttpStepAction.ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            string? error = null;
            if (status is < 200 or >= 300)
            {
                var excerpt = await ExcerptAsync(response, timeout.Token);
                error = $"answered {status}" + (excerpt.Length > 0 ? $": {excerpt}" : string.Empty);
            }

            return new WebhookResult(status, Elapsed(started), error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResult(null, Elapsed(started), $"no answer within {o.DeliveryTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return new WebhookResult(null, Elapsed(started), ex.InnerException is HttpHostNotAllowedException refused ? refused.Message : ex.Message);
        }
    }

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var buffer = new byte[MaxErrorExcerpt];
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, read).Trim();
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            return string.Empty;
        }
    }
}
