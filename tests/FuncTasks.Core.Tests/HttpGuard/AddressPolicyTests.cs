using System.Net;
using FuncTasks.Core.Actions;

namespace FuncTasks.Core.Tests.HttpGuard;

public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("10.0.0.5", "a private address")]
    [InlineData("172.16.0.1", "a private address")]
    [InlineData("172.31.255.255", "a private address")]
    [InlineData("192.168.1.1", "a private address")]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("127.255.0.1", "a loopback address")]
    [InlineData("169.254.169.254", "the cloud metadata address (link-local)")]
    [InlineData("169.254.1.1", "a link-local address")]
    [InlineData("100.64.0.1", "a shared (CGNAT) address")]
    [InlineData("100.127.255.254", "a shared (CGNAT) address")]
    [InlineData("0.0.0.0", "an unspecified ('this network') address")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("255.255.255.255", "a reserved (or broadcast) address")]
    [InlineData("203.0.113.10", "a documentation address")]
    [InlineData("::", "an unspecified address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("fd00:ec2::254", "the cloud metadata address (unique local)")]
    [InlineData("fc00::1", "a private (unique local) address")]
    [InlineData("fd12:3456:789a::1", "a private (unique local) address")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("fe80::1%2", "a link-local address")]
    [InlineData("ff02::1", "a multicast address")]
    [InlineData("2001:db8::1", "a documentation address")]
    [InlineData("::ffff:10.0.0.5", "a private address (IPv4-mapped 10.0.0.5)")]
    [InlineData("::ffff:169.254.169.254", "the cloud metadata address (link-local) (IPv4-mapped 169.254.169.254)")]
    [InlineData("::ffff:127.0.0.1", "a loopback address (IPv4-mapped 127.0.0.1)")]
    [InlineData("64:ff9b::a00:5", "a private address (NAT64 form of 10.0.0.5)")]
    [InlineData("2002:a9fe:a9fe::1", "the cloud metadata address (link-local) (6to4 form of 169.254.169.254)")]
    [InlineData("::10.0.0.5", "a deprecated IPv4-compatible address")]
    [InlineData("4000::1", "a reserved address (outside global unicast 2000::/3)")]
    public void Internal_addresses_and_their_IPv6_forms_are_forbidden_with_the_reason(string address, string reason)
    {
        Assert.Equal(reason, AddressPolicy.ForbiddenReason(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses_have_no_reason(string address)
    {
        Assert.Null(AddressPolicy.ForbiddenReason(IPAddress.Parse(address)));
    }
}
