namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>
/// Which runner the LocalHosts of this test run use: the queue runner, or the Durable runner when
/// FUNCTASKS_TEST_RUNNER=Durable (scripts/test.sh runs the dialects' end-to-end flows a second time that way).
/// </summary>
public static class TestRunner
{
    public static bool IsDurable { get; } =
        string.Equals(Environment.GetEnvironmentVariable("FUNCTASKS_TEST_RUNNER"), "Durable", StringComparison.OrdinalIgnoreCase);
}
