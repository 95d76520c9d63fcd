using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Actions;

/// <summary>
/// The <c>http</c> action's defence against server-side request forgery. A URL is checked when a step is created or
/// restarted (<see cref="Check(Uri)"/>), again before each request and redirect, and finally in the connection
/// itself (<see cref="ConnectAsync(string, int, CancellationToken)"/>, the handler's connect callback): the name
/// must be listed, it is resolved here, and every address it resolves to must be public or covered by an IP/CIDR
/// entry, so a name that is re-pointed at 10.0.0.5 or 169.254.169.254 after the check (DNS rebinding) still
/// cannot be reached. The connection goes to the checked address, never to a second lookup's answer.
/// </summary>
public sealed partial class HttpDestinationGuard(
    IOptions<HttpActionOptions> options, IHttpHostResolver resolver, IHttpConnector connector, ILogger<HttpDestinationGuard> logger)
{
    private HttpAllowList? _allowList;

    /// <summary>The configured entries, or <see cref="HttpActionOptions.DefaultAllowedHosts"/> (loopback) when none are.</summary>
    public HttpAllowList AllowList => _allowList ??= HttpAllowList.Parse(EntriesOf(options.Value));

    public static IEnumerable<string> EntriesOf(HttpActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AllowedHosts.Count > 0 ? options.AllowedHosts : HttpActionOptions.DefaultAllowedHosts;
    }

    /// <summary>Why the URL's host may not be called (a sentence starting "host '…'"), or null when it may.</summary>
    public string? Check(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"'{uri.Scheme}' is not http or https";
        }

        return uri.HostNameType switch
        {
            UriHostNameType.IPv4 or UriHostNameType.IPv6 when IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) => CheckLiteral(address),
            UriHostNameType.Dns => AllowList.ListsName(uri.IdnHost) ? null : $"host '{uri.IdnHost}' is not in FuncTasks:Http:AllowedHosts",
            _ => $"host '{uri.Host}' is not a DNS name or IP address",
        };
    }

    /// <summary>
    /// The connect callback: checks the name, resolves it, refuses if any address is forbidden and not listed,
    /// then connects to the first allowed address that answers. Throws <see cref="HttpHostNotAllowedException"/>.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal))
        {
            if (CheckLiteral(literal) is { } refused)
            {
                throw Refused(host, literal, refused);
            }

            addresses = [literal];
        }
        else
        {
            if (!AllowList.ListsName(bare))
            {
                throw Refused(host, null, $"host '{bare}' is not in FuncTasks:Http:AllowedHosts");
            }

            addresses = await resolver.ResolveAsync(bare, cancellationToken);
            if (addresses.Length == 0)
            {
                throw Refused(host, null, $"host '{bare}' resolves to no address");
            }

            foreach (var address in addresses)
            {
                if (AddressPolicy.ForbiddenReason(address) is { } reason && !AllowList.Covers(address))
                {
                    throw Refused(host, address,
                        $"host '{bare}' resolves to {address}, {reason}, which no IP or CIDR entry of FuncTasks:Http:AllowedHosts covers");
                }
            }
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            try
            {
                return await connector.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
            }
            catch (Exception ex) when (ex is SocketException or IOException or HttpRequestException)
            {
                last = ex;
            }
        }

        throw last!;
    }

    /// <summary>The URL without user-info (<c>user:password@</c>) or fragment: safe for error messages and logs.</summary>
    public static string Redact(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped) : uri.OriginalString;
    }

    /// <summary>The primary handler of the <c>http</c> action's client: no proxy, no automatic redirects, every connection through the guard.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken),
    };

    private string? CheckLiteral(IPAddress address)
    {
        if (AllowList.Covers(address))
        {
            return null;
        }

        return AddressPolicy.ForbiddenReason(address) is { } reason
            ? $"host '{address}' is {reason}, and no IP or CIDR entry of FuncTasks:Http:AllowedHosts covers it"
            : $"host '{address}' is not in FuncTasks:Http:AllowedHosts";
    }

    private HttpHostNotAllowedException Refused(string host, IPAddress? address, string reason)
    {
        LogRefused(host, address?.ToString() ?? "-", reason);
        return new HttpHostNotAllowedException($"The connection was refused before it was made: {reason}.", reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "http step: connection to {Host} ({Address}) refused: {Reason}")]
    private partial void LogRefused(string host, string address, string reason);
}
