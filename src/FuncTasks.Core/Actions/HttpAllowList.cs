using System.Net;

namespace FuncTasks.Core.Actions;

/// <summary>
/// <c>FuncTasks:Http:AllowedHosts</c>, parsed once: exact names (<c>hooks.example.com</c>), name wildcards
/// (<c>*.example.com</c>: any name below it, not the name itself), IP literals (<c>10.1.2.3</c>, <c>::1</c>)
/// and CIDR ranges (<c>10.1.0.0/16</c>). A name lets a step call that name; only an IP or CIDR entry lets a call
/// reach an address <see cref="AddressPolicy"/> forbids (loopback, private, ...), whatever name points there.
/// </summary>
public sealed class HttpAllowList
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];
    private readonly List<IPNetwork> _networks = [];

    private HttpAllowList()
    {
    }

    /// <summary>Parses the entries; throws <see cref="FormatException"/> naming the first entry that is none of the forms.</summary>
    public static HttpAllowList Parse(IEnumerable<string> entries) =>
        TryParse(entries, out var list, out var problem) ? list : throw new FormatException(problem);

    public static bool TryParse(IEnumerable<string> entries, out HttpAllowList list, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(entries);
        list = new HttpAllowList();
        problem = null;
        foreach (var raw in entries)
        {
            var entry = (raw ?? string.Empty).Trim();
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                if (!IPNetwork.TryParse(entry, out var network))
                {
                    problem = $"FuncTasks:Http:AllowedHosts entry '{entry}' is not a CIDR range (address/prefix, e.g. 10.1.0.0/16).";
                    return false;
                }

                // .NET masks the bits after the prefix; a range wider than it looks is refused instead of allowed.
                if (!network.BaseAddress.Equals(IPAddress.Parse(entry[..entry.IndexOf('/', StringComparison.Ordinal)])))
                {
                    problem = $"FuncTasks:Http:AllowedHosts entry '{entry}' has bits set after the prefix; write {network} for the range, or the address alone.";
                    return false;
                }

                list._networks.Add(network);
            }
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var address))
            {
                address = AddressPolicy.Normalize(new IPAddress(address.GetAddressBytes()));
                list._networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else if (entry.StartsWith("*.", StringComparison.Ordinal) && IsName(entry[2..]))
            {
                list._suffixes.Add(NormalizeName(entry[1..]));
            }
            else if (IsName(entry))
            {
                list._names.Add(NormalizeName(entry));
            }
            else
            {
                problem = $"FuncTasks:Http:AllowedHosts entry '{entry}' is not a host name, '*.suffix', IP address or CIDR range.";
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the name is listed exactly or under a wildcard (names only; IP literals go to <see cref="Covers"/>).</summary>
    public bool ListsName(string host)
    {
        var name = NormalizeName(host);
        return _names.Contains(name) || _suffixes.Any(s => name.Length > s.Length && name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether an IP literal or CIDR entry covers the address (IPv4-mapped IPv6 counts as its IPv4 address).</summary>
    public bool Covers(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bare = AddressPolicy.Normalize(new IPAddress(address.GetAddressBytes()));
        return _networks.Any(n => n.Contains(bare));
    }

    private static bool IsName(string value) => Uri.CheckHostName(value.TrimEnd('.')) == UriHostNameType.Dns;

    private static string NormalizeName(string value) => value.Trim().TrimEnd('.').ToLowerInvariant();
}
