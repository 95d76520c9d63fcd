using System.Net.Sockets;
using Azure;
using FuncTasks.Core;

namespace FuncTasks.Storage;

/// <summary>
/// What an Azure Storage outage looks like once the SDK's own retries have given up: no response at all
/// (status 0: connection refused or reset, DNS), a timeout, throttling or a server error; after several tries the
/// SDK throws them together as an <see cref="AggregateException"/>. A 4xx answer (412 ETag, 404, 409) is not an
/// outage: the request itself was wrong or lost a race.
/// </summary>
public sealed class AzureStorageFaults : IStorageFaults
{
    public bool IsUnavailable(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or SocketException or TimeoutException or IOException => true,
        // The queue SDK could not read an error answer as storage's XML (e.g. an empty 5xx from a gateway in front of it): it
        // throws this instead of a RequestFailedException, and it means storage failed on its side, not the request.
        System.Xml.XmlException => true,
        // A try that ran past FuncTasks:Storage:Retry:NetworkTimeout (callers check their own tokens first).
        OperationCanceledException => true,
        _ => false,
    };
}
