using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;
using FuncTasks.IntegrationTests.Cognaize;

namespace FuncTasks.IntegrationTests.Vcf;

/// <summary>
/// The SSRF guard at run time, where the create-time check cannot see: names that resolve to internal addresses
/// (DNS rebinding), redirects from an allowed loopback server to internal hosts, and a corrected URL on restart.
/// Names resolve from a table and every connection off loopback is recorded and refused by the test's seams.
/// </summary>
public sealed class HttpSsrfGuardTests : AppTest
{
    private readonly InterceptedNetwork _network;

    public HttpSsrfGuardTests()
        : this(new InterceptedNetwork())
    {
    }

    /// <summary>Loopback (for the target server), one name, and a wildcard; the network seams of this test instance.</summary>
    private HttpSsrfGuardTests(InterceptedNetwork network)
        : base(new FuncTasksApp(
            new Dictionary<string, string?>
            {
                ["FuncTasks:Http:AllowedHosts:0"] = "127.0.0.1",
                ["FuncTasks:Http:AllowedHosts:1"] = "hooks.example.test",
                ["FuncTasks:Http:AllowedHosts:2"] = "*.internal.example.test",
            },
            network.Install)) => _network = network;

    private async Task<JsonObject> RunAsync(string url, string status)
    {
        var created = await Client.CreateTaskAsync(TestApi.Task("guarded", TestApi.HttpStep("call", url, "GET")));
        return await Client.WaitForStatusAsync(created["id"].Str(), status);
    }

    public static TheoryData<string, string> Internal() => new()
    {
        { "10.0.0.5", "a private address" },
        { "169.254.169.254", "the cloud metadata address (link-local)" },
        { "fd00:ec2::254", "the cloud metadata address (unique local)" },
        { "::ffff:10.0.0.5", "a private address (IPv4-mapped 10.0.0.5)" },
        { "100.64.0.7", "a shared (CGNAT) address" },
        { "0.0.0.0", "an unspecified ('this network') address" },
        { "fe80::1", "a link-local address" },
    };

    [Theory]
    [MemberData(nameof(Internal))]
    public async Task An_allowed_name_that_resolves_to_an_internal_address_fails_the_step_without_connecting(string address, string reason)
    {
        _network.Resolve("hooks.example.test", address);

        var failed = await RunAsync("http://hooks.example.test/hook", "FAILED");

        var message = failed["errors"]![0]!["message"].Str();
        Assert.Contains($"GET http://hooks.example.test/hook was refused: host 'hooks.example.test' resolves to {address}, {reason}", message);
        Assert.Contains("no connection was made", message);
        Assert.Equal(["hooks.example.test"], _network.Lookups.ToArray());
        Assert.Empty(_network.Connects);
    }

    [Fact]
    public async Task An_allowed_name_that_resolves_to_a_public_address_is_called_at_that_address()
    {
        var publicEndpoint = new IPEndPoint(IPAddress.Parse("93.184.216.34"), 80);
        _network.Resolve("hooks.example.test", "93.184.216.34").Route(publicEndpoint, Target.BaseUrl);

        await RunAsync("http://hooks.example.test/hook", "SUCCESSFUL");

        Assert.Equal([publicEndpoint], _network.Connects.ToArray());
        Assert.Equal(1, Target.Calls("hook"));
    }

    [Fact]
    public async Task A_redirect_from_the_loopback_target_to_a_private_host_is_not_followed()
    {
        Target.Redirect("start", 302, "http://10.0.0.5/admin");

        var failed = await RunAsync(Target.Url("start"), "FAILED");

        Assert.Contains($"GET {Target.Url("start")} answered 302 redirecting to http://10.0.0.5/admin; not followed: host '10.0.0.5' is a private address",
            failed["errors"]![0]!["message"].Str());
        Assert.Equal(1, Target.Calls("start"));
        Assert.Empty(_network.OffLoopback);
    }

    [Fact]
    public async Task A_redirect_to_an_allowed_name_that_resolves_to_the_metadata_address_is_stopped_in_the_connection()
    {
        _network.Resolve("meta.internal.example.test", "169.254.169.254");
        Target.Redirect("start", 307, "http://meta.internal.example.test/latest/meta-data/iam");

        var failed = await RunAsync(Target.Url("start"), "FAILED");

        Assert.Contains("GET http://meta.internal.example.test/latest/meta-data/iam was refused: host 'meta.internal.example.test' resolves to 169.254.169.254, " +
            "the cloud metadata address (link-local)", failed["errors"]![0]!["message"].Str());
        Assert.Equal(1, Target.Calls("start"));
        Assert.Equal(["meta.internal.example.test"], _network.Lookups.ToArray());
        Assert.Empty(_network.OffLoopback);
    }

    [Fact]
    public async Task Redirects_within_the_allow_list_are_followed()
    {
        Target.Redirect("start", 301, "/moved");
        Target.Redirect("moved", 303, Target.Url("landing"));

        await RunAsync(Target.Url("start"), "SUCCESSFUL");

        Assert.Equal((1, 1, 1), (Target.Calls("start"), Target.Calls("moved"), Target.Calls("landing")));
        Assert.Empty(_network.OffLoopback);
    }

    [Fact]
    public async Task A_password_in_the_url_never_reaches_the_error()
    {
        Target.Respond("broken", 500, "database is down");
        var url = Target.Url("broken").Replace("http://", "http://deploy:s3cret-pass@", StringComparison.Ordinal);

        var failed = await RunAsync(url, "FAILED");

        Assert.Contains($"GET {Target.Url("broken")} answered 500", failed["errors"]![0]!["message"].Str());
        Assert.DoesNotContain("s3cret-pass", failed["errors"]!.ToJsonString());
        Assert.DoesNotContain("s3cret-pass", (await Client.GetJsonAsync($"/tasks/{failed["id"].Str()}"))["error"]!.ToJsonString());
    }

    [Fact]
    public async Task Restarting_a_failed_step_with_a_url_the_guard_refuses_is_412_and_changes_nothing()
    {
        Target.Respond("broken", 500, "database is down");
        var workflowId = await Client.CreateWorkflowAsync(ProcessTestApi.Workflow("one call", ProcessTestApi.Http("call", Target.Url("broken"))));
        var processId = (await Client.StartProcessAsync(workflowId))["processId"].Str();
        var before = await Client.WaitForProcessStatusAsync(processId, "FAILED");
        var stepId = before.StepOf(0)["processStepId"].Str();

        var metadata = await Client.RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param("http://169.254.169.254/latest/meta-data/") });
        var unlisted = await Client.RestartAsync(stepId, new JsonObject { ["url"] = TestApi.Param("http://elsewhere.example.test/hook") });

        Assert.Contains("host '169.254.169.254' is the cloud metadata address (link-local)", (await metadata.PreconditionFailedAsync("params"))["reason"].Str());
        Assert.Contains("host 'elsewhere.example.test' is not in FuncTasks:Http:AllowedHosts", (await unlisted.PreconditionFailedAsync("params"))["reason"].Str());
        var after = await Client.GetProcessAsync(processId);
        Assert.Equal("FAILED", after["status"].Str());
        Assert.Equal(Target.Url("broken"), after.StepOf(0)["params"]!["url"]!["strValue"].Str());
        Assert.Single(after.StepOf(0)["attempts"]!.AsArray());
        Assert.Equal(1, Target.Calls("broken"));
        Assert.Empty(_network.OffLoopback);
    }

    [Fact]
    public async Task A_planned_job_whose_step_url_the_guard_refuses_is_400_and_nothing_is_stored()
    {
        var response = await Client.PostAsJsonAsync("/v1/jobs",
            Flatfile.JobsTestApi.PlannedJob("to a private host", TestApi.HttpStep("call", "http://192.168.1.1/admin")));

        Assert.Contains("host '192.168.1.1' is a private address", await Flatfile.JobsTestApi.ErrorAsync(response, HttpStatusCode.BadRequest));
        Assert.Equal(0, await App.CountTaskRowsAsync());
    }

    [Fact]
    public async Task A_workflow_whose_step_url_the_guard_refuses_is_412_naming_its_steps()
    {
        var response = await Client.PostAsync("/api/v1/workflows", JsonContent.Create(
            ProcessTestApi.Workflow("to metadata", ProcessTestApi.Http("steal", "http://[fd00:ec2::254]/latest/meta-data/"))));

        Assert.Contains("host 'fd00:ec2::254' is the cloud metadata address (unique local)", (await response.PreconditionFailedAsync("steps"))["reason"].Str());
    }
}
