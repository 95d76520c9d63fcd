using System.Net;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.BrowserTests;

/// <summary>What the LocalHost serves for the dashboard: its static files (nothing from elsewhere), its favicon and /dashboard/me.</summary>
public sealed class DashboardServingTests : IClassFixture<DashboardServingTests.Host>
{
    private readonly Host _host;

    public DashboardServingTests(Host host) => _host = host;

    public sealed class Host : FuncTasksApp;

    [Fact]
    public async Task Root_serves_the_dashboard_and_its_files_without_any_outside_reference()
    {
        using var client = _host.Anonymous();
        var index = await client.GetAsync("/");
        var html = await index.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"dashboard.js\"></script>", html);
        Assert.Contains("<link rel=\"stylesheet\" href=\"dashboard.css\">", html);
        foreach (var (path, type) in new[] { ("/dashboard.js", "text/javascript"), ("/dashboard.css", "text/css") })
        {
            var response = await client.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("http://", text);
            Assert.DoesNotContain("https://", text);
            Assert.DoesNotContain("import ", text);
        }

        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public async Task Favicon_ico_is_an_icon_not_a_404()
    {
        using var client = _host.Anonymous();
        var response = await client.GetAsync("/favicon.ico");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]);
        Assert.True(BitConverter.ToUInt16(bytes, 4) >= 1, "The icon holds at least one image.");
        Assert.Contains("<link rel=\"icon\" href=\"favicon.ico\"", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Dashboard_me_names_the_key_and_its_role()
    {
        using var operatorClient = _host.Operator();
        var op = JsonNode.Parse(await operatorClient.GetStringAsync("/dashboard/me"))!;
        Assert.Equal("test-operator", (string?)op["name"]);
        Assert.Equal("operator", (string?)op["role"]);

        using var readerClient = _host.Reader();
        var reader = JsonNode.Parse(await readerClient.GetStringAsync("/dashboard/me"))!;
        Assert.Equal("test-reader", (string?)reader["name"]);
        Assert.Equal("reader", (string?)reader["role"]);
    }

    [Fact]
    public async Task Dashboard_me_without_a_valid_key_is_401_with_a_message()
    {
        using var anonymous = _host.Anonymous();
        var none = await anonymous.GetAsync("/dashboard/me");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);

        using var stranger = _host.Client("not-a-configured-key");
        var wrong = await stranger.GetAsync("/dashboard/me");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("This key is not valid: no configured key has this secret.", (string?)JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["message"]);
    }
}
