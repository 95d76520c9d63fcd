using System.Net;
using System.Net.Sockets;

namespace FuncTasks.Core.Actions;

/// <summary>
/// Which IP addresses an <c>http</c> step must not reach unless the allow-list names them by IP or CIDR range:
/// loopback, private, link-local (the cloud metadata endpoints 169.254.169.254 and fd00:ec2::254 among them),
/// CGNAT, unspecified, multicast, reserved and documentation ranges, and the IPv6 forms that embed such an IPv4
/// address (IPv4-mapped, NAT64, 6to4). A step that could reach these could read a cloud instance's credentials or
/// call services that trust their network; a listed name is not enough, because DNS decides where a name points.
/// </summary>
public static class AddressPolicy
{
    private static readonly (IPNetwork Network, string What)[] V4 =
    [
        (IPNetwork.Parse("169.254.169.254/32"), "the cloud metadata address (link-local)"),
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified ('this network') address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared (CGNAT) address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.0.0.0/24"), "a reserved (IETF protocol) address"),
        (IPNetwork.Parse("192.0.2.0/24"), "a documentation address"),
        (IPNetwork.Parse("192.88.99.0/24"), "a reserved (6to4 relay) address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a reserved (benchmarking) address"),
        (IPNetwork.Parse("198.51.100.0/24"), "a documentation address"),
        (IPNetwork.Parse("203.0.113.0/24"), "a documentation address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved (or broadcast) address"),
    ];

    private static readonly (IPNetwork Network, string What)[] V6 =
    [
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("fd00:ec2::254/128"), "the cloud metadata address (unique local)"),
        (IPNetwork.Parse("fc00::/7"), "a private (unique local) address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "a private (local-use NAT64) address"),
        (IPNetwork.Parse("100::/64"), "a reserved (discard) address"),
        (IPNetwork.Parse("2001:db8::/32"), "a documentation address"),
        (IPNetwork.Parse("2001::/23"), "a reserved (IETF protocol or Teredo) address"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Ipv4Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");

    /// <summary>
    /// Why <paramref name="address"/> must not be called ("a private address", ...), or null for a public address.
    /// </summary>
    public static string? ForbiddenReason(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            var v4 = address.MapToIPv4();
            return ForbiddenReason(v4) is { } mapped ? $"{mapped} (IPv4-mapped {v4})" : null;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return V4.FirstOrDefault(r => r.Network.Contains(address)).What;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an IP address";
        }

        var bare = new IPAddress(address.GetAddressBytes()); // without a scope id
        if (V6.FirstOrDefault(r => r.Network.Contains(bare)).What is { } what)
        {
            return what;
        }

        var bytes = bare.GetAddressBytes();
        if (Nat64.Contains(bare))
        {
            return Embedded(new IPAddress(bytes.AsSpan(12, 4)), "NAT64");
        }

        if (SixToFour.Contains(bare))
        {
            return Embedded(new IPAddress(bytes.AsSpan(2, 4)), "6to4");
        }

        if (Ipv4Compatible.Contains(bare))
        {
            return "a deprecated IPv4-compatible address";
        }

        return GlobalUnicast.Contains(bare) ? null : "a reserved address (outside global unicast 2000::/3)";
    }

    /// <summary>IPv4-mapped IPv6 addresses as the IPv4 address they stand for, so one allow-list entry covers both forms.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    private static string? Embedded(IPAddress v4, string form) =>
        ForbiddenReason(v4) is { } reason ? $"{reason} ({form} form of {v4})" : null;
}
