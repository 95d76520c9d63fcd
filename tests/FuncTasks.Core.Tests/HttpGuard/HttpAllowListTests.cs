using System.Net;
using FuncTasks.Core.Actions;

namespace FuncTasks.Core.Tests.HttpGuard;

public sealed class HttpAllowListTests
{
    [Fact]
    public void Names_match_exactly_ignoring_case_and_a_trailing_dot()
    {
        var list = HttpAllowList.Parse(["hooks.example.com"]);

        Assert.True(list.ListsName("hooks.example.com"));
        Assert.True(list.ListsName("HOOKS.Example.com."));
        Assert.False(list.ListsName("example.com"));
        Assert.False(list.ListsName("evil-hooks.example.com"));
        Assert.False(list.ListsName("hooks.example.com.evil.test"));
    }

    [Fact]
    public void A_wildcard_matches_names_below_it_but_not_itself_or_a_lookalike()
    {
        var list = HttpAllowList.Parse(["*.example.com"]);

        Assert.True(list.ListsName("a.example.com"));
        Assert.True(list.ListsName("b.a.example.com"));
        Assert.False(list.ListsName("example.com"));
        Assert.False(list.ListsName("badexample.com"));
        Assert.False(list.ListsName("a.example.com.evil.test"));
    }

    [Fact]
    public void IP_and_CIDR_entries_cover_addresses_and_their_IPv4_mapped_forms()
    {
        var list = HttpAllowList.Parse(["10.1.0.0/16", "127.0.0.1", "[::1]", "fd00:1::/32"]);

        Assert.True(list.Covers(IPAddress.Parse("10.1.200.3")));
        Assert.True(list.Covers(IPAddress.Parse("::ffff:10.1.0.9")));
        Assert.False(list.Covers(IPAddress.Parse("10.2.0.1")));
        Assert.True(list.Covers(IPAddress.Parse("127.0.0.1")));
        Assert.True(list.Covers(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(list.Covers(IPAddress.Parse("127.0.0.2")));
        Assert.True(list.Covers(IPAddress.Parse("::1")));
        Assert.True(list.Covers(IPAddress.Parse("fd00:1:0:5::1")));
        Assert.False(list.Covers(IPAddress.Parse("fd00:2::1")));
        Assert.False(list.ListsName("10.1.200.3"));
    }

    [Theory]
    [InlineData("10.1.2.3/16")]
    [InlineData("10.0.0.0/33")]
    [InlineData("*")]
    [InlineData("http://hooks.example.com")]
    [InlineData("hooks example com")]
    [InlineData("*.")]
    public void An_entry_that_is_none_of_the_forms_is_named(string entry)
    {
        Assert.False(HttpAllowList.TryParse(["localhost", entry], out _, out var problem));
        Assert.Contains($"'{entry}'", problem);
        Assert.Throws<FormatException>(() => HttpAllowList.Parse([entry]));
    }

    [Fact]
    public void The_options_validator_refuses_a_bad_entry_or_limit_and_accepts_the_defaults()
    {
        var validator = new HttpActionOptionsValidator();

        Assert.True(validator.Validate(null, Guards.Options()).Succeeded);
        Assert.True(validator.Validate(null, Guards.Options("*.example.com", "10.0.0.0/8", "::1")).Succeeded);
        Assert.Contains("'10.1.2.3/16'", validator.Validate(null, Guards.Options("10.1.2.3/16")).FailureMessage);
        var options = Guards.Options();
        options.MaxRedirects = -1;
        Assert.Contains("MaxRedirects", validator.Validate(null, options).FailureMessage);
    }
}
