using System.Net;
using System.Net.Sockets;
using FuncTasks.Core.Actions;

namespace FuncTasks.Core.Tests.HttpGuard;

/// <summary>
/// The guard's checks, proven without a packet leaving loopback: names resolve through a stub, and the connector
/// records what the guard let through (and throws for anything off loopback it was not told to expect).
/// </summary>
public sealed class HttpDestinationGuardTests
{
    private readonly StubResolver _dns = new();
    private readonly RecordingConnector _connector = new();

    private HttpDestinationGuard Guard(params string[] allowedHosts) => Guards.Guard(Guards.Options(allowedHosts), _dns, _connector);

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://localhost:5000/hook")]
    [InlineData("http://[::1]:5000/hook")]
    [InlineData("https://LOCALHOST/hook")]
    public void Without_configuration_loopback_development_urls_are_allowed(string url)
    {
        Assert.Null(Guard().Check(new Uri(url)));
    }

    [Theory]
    [InlineData("http://10.0.0.5/x", "host '10.0.0.5' is a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "host '169.254.169.254' is the cloud metadata address (link-local)")]
    [InlineData("http://[fd00:ec2::254]/latest", "host 'fd00:ec2::254' is the cloud metadata address (unique local)")]
    [InlineData("http://[::ffff:169.254.169.254]/", "host '::ffff:169.254.169.254' is the cloud metadata address (link-local) (IPv4-mapped 169.254.169.254)")]
    [InlineData("http://[fd12::1]/", "host 'fd12::1' is a private (unique local) address")]
    [InlineData("http://0.0.0.0:8080/", "host '0.0.0.0' is an unspecified")]
    [InlineData("http://8.8.8.8/", "host '8.8.8.8' is not in FuncTasks:Http:AllowedHosts")]
    [InlineData("http://hooks.example.com/", "host 'hooks.example.com' is not in FuncTasks:Http:AllowedHosts")]
    public void Without_configuration_other_hosts_and_internal_addresses_are_refused_with_the_reason(string url, string reason)
    {
        Assert.Contains(reason, Guard().Check(new Uri(url)));
    }

    [Theory]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://[::ffff:7f00:1]/")]
    public void Obfuscated_forms_of_loopback_are_refused_once_the_list_no_longer_covers_loopback(string url)
    {
        Assert.Contains("a loopback address", Guard("hooks.example.com").Check(new Uri(url)));
    }

    [Fact]
    public void A_CIDR_entry_allows_literals_inside_it_only()
    {
        var guard = Guard("10.1.0.0/16");

        Assert.Null(guard.Check(new Uri("http://10.1.2.3:8080/x")));
        Assert.Contains("host '10.2.0.1' is a private address", guard.Check(new Uri("http://10.2.0.1/x")));
        Assert.Contains("host '127.0.0.1' is a loopback address, and no IP or CIDR entry", guard.Check(new Uri("http://127.0.0.1/x")));
        Assert.Contains("host '93.184.216.34' is not in FuncTasks:Http:AllowedHosts", guard.Check(new Uri("http://93.184.216.34/x")));
        Assert.Contains("'ftp' is not http or https", guard.Check(new Uri("ftp://10.1.2.3/x")));
    }

    [Fact]
    public async Task An_allowed_name_that_resolves_to_a_private_address_is_refused_before_any_connection()
    {
        _dns.Answer("hooks.example.com", "10.0.0.5");

        var refused = await Assert.ThrowsAsync<HttpHostNotAllowedException>(() => Guard("hooks.example.com").ConnectAsync("hooks.example.com", 443, default).AsTask());

        Assert.Contains("host 'hooks.example.com' resolves to 10.0.0.5, a private address", refused.Message);
        Assert.Empty(_connector.Attempts);
    }

    [Theory]
    [InlineData("169.254.169.254", "the cloud metadata address")]
    [InlineData("fd00:ec2::254", "the cloud metadata address (unique local)")]
    [InlineData("::ffff:10.0.0.5", "a private address (IPv4-mapped 10.0.0.5)")]
    [InlineData("127.0.0.1", "a loopback address")]
    public async Task Rebinding_an_allowed_name_to_an_internal_address_is_refused(string address, string reason)
    {
        _dns.Answer("hooks.example.com", address);

        var refused = await Assert.ThrowsAsync<HttpHostNotAllowedException>(() => Guard("hooks.example.com").ConnectAsync("hooks.example.com", 80, default).AsTask());

        Assert.Contains($"resolves to {address}, {reason}", refused.Message);
        Assert.Empty(_connector.Attempts);
    }

    [Fact]
    public async Task One_internal_address_among_public_ones_refuses_the_name()
    {
        _dns.Answer("hooks.example.com", "93.184.216.34", "192.168.0.10");

        var refused = await Assert.ThrowsAsync<HttpHostNotAllowedException>(() => Guard("hooks.example.com").ConnectAsync("hooks.example.com", 80, default).AsTask());

        Assert.Contains("resolves to 192.168.0.10, a private address", refused.Reason);
        Assert.Empty(_connector.Attempts);
    }

    [Fact]
    public async Task A_name_that_is_not_listed_is_refused_without_even_resolving_it()
    {
        var refused = await Assert.ThrowsAsync<HttpHostNotAllowedException>(() => Guard("hooks.example.com").ConnectAsync("other.example.com", 80, default).AsTask());

        Assert.Contains("host 'other.example.com' is not in FuncTasks:Http:AllowedHosts", refused.Message);
        Assert.Empty(_dns.Questions);
        Assert.Empty(_connector.Attempts);
    }

    [Fact]
    public async Task A_literal_reaching_the_callback_is_checked_too()
    {
        var refused = await Assert.ThrowsAsync<HttpHostNotAllowedException>(() => Guard().ConnectAsync("[fd00:ec2::254]", 80, default).AsTask());

        Assert.Contains("the cloud metadata address", refused.Message);
        Assert.Empty(_dns.Questions);
        Assert.Empty(_connector.Attempts);
    }

    [Fact]
    public async Task An_allowed_name_that_resolves_to_a_public_address_connects_to_that_checked_address()
    {
        _dns.Answer("api.example.com", "93.184.216.34");
        var endpoint = new IPEndPoint(IPAddress.Parse("93.184.216.34"), 443);
        using var expected = new MemoryStream();
        _connector.Streams[endpoint] = () => expected;

        var stream = await Guard("*.example.com").ConnectAsync("api.example.com", 443, default);

        Assert.Same(expected, stream);
        Assert.Equal([endpoint], _connector.Attempts);
        Assert.Equal(["api.example.com"], _dns.Questions);
    }

    [Fact]
    public async Task An_internal_address_covered_by_a_CIDR_entry_is_allowed_for_a_listed_name()
    {
        _dns.Answer("build.corp.test", "10.1.4.2");
        var endpoint = new IPEndPoint(IPAddress.Parse("10.1.4.2"), 8080);
        using var expected = new MemoryStream();
        _connector.Streams[endpoint] = () => expected;

        var stream = await Guard("build.corp.test", "10.1.0.0/16").ConnectAsync("build.corp.test", 8080, default);

        Assert.Same(expected, stream);
        Assert.Equal([endpoint], _connector.Attempts);
    }

    [Fact]
    public async Task When_the_first_address_does_not_answer_the_next_checked_one_is_tried()
    {
        _dns.Answer("localhost", "::1", "127.0.0.1");
        const int port = 5000;
        using var expected = new MemoryStream();
        _connector.Streams[new IPEndPoint(IPAddress.Parse("::1"), port)] = () => throw new SocketException((int)SocketError.ConnectionRefused);
        _connector.Streams[new IPEndPoint(IPAddress.Loopback, port)] = () => expected;

        var stream = await Guard().ConnectAsync("localhost", port, default);

        Assert.Same(expected, stream);
        Assert.Equal(2, _connector.Attempts.Count);
    }

    [Fact]
    public void Redact_drops_user_info_and_fragment_and_keeps_the_rest()
    {
        Assert.Equal("http://127.0.0.1:8080/p?q=1", HttpDestinationGuard.Redact(new Uri("http://user:s3cret@127.0.0.1:8080/p?q=1#frag")));
        Assert.Equal("https://hooks.example.com/p", HttpDestinationGuard.Redact(new Uri("https://token@hooks.example.com/p")));
    }
}
