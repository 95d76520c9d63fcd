using System.Net;
using System.Net.Sockets;
using FuncTasks.Core.Actions;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;

namespace FuncTasks.Core.Tests.Engine;

public sealed class RetryBackoffTests
{
    private static readonly StepRetryPolicy Policy = new() { MaxAttempts = 6, IntervalSeconds = 1, BackoffRate = 2, MaxIntervalSeconds = 5 };

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 5)] // 8 s capped at maxIntervalSeconds
    [InlineData(5, 5)]
    public void The_wait_before_the_next_attempt_grows_by_the_backoff_rate_up_to_the_cap(int failedAttempts, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryBackoff.Wait(Policy, failedAttempts, retryAfter: null, unit: 0));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    [InlineData(1.0)]
    public void Jitter_never_shortens_the_wait_and_adds_at_most_a_fifth(double unit)
    {
        for (var n = 1; n <= 5; n++)
        {
            var baseWait = Policy.BaseWait(n);
            var wait = RetryBackoff.Wait(Policy, n, null, unit);
            Assert.InRange(wait, baseWait, baseWait * (1 + RetryBackoff.JitterFraction));
        }
    }

    [Fact]
    public void A_longer_Retry_After_wins_a_shorter_one_does_not_and_it_is_capped_at_a_day()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), RetryBackoff.Wait(Policy, 1, TimeSpan.FromSeconds(30), 0));
        Assert.Equal(TimeSpan.FromSeconds(2), RetryBackoff.Wait(Policy, 2, TimeSpan.FromSeconds(1), 0));
        Assert.Equal(TimeSpan.FromDays(1), RetryBackoff.Wait(Policy, 1, TimeSpan.FromDays(30), 0));
    }

    [Fact]
    public void A_huge_backoff_does_not_overflow()
    {
        var steep = new StepRetryPolicy { MaxAttempts = 10, IntervalSeconds = 86_400, BackoffRate = 10, MaxIntervalSeconds = 86_400 };
        Assert.Equal(TimeSpan.FromDays(1), RetryBackoff.Wait(steep, 9, null, 0));
    }

    [Theory]
    [InlineData(0, "maxAttempts")]
    [InlineData(11, "maxAttempts")]
    public void MaxAttempts_outside_one_to_the_cap_is_a_problem(int maxAttempts, string field) =>
        Assert.Equal(field, (new StepRetryPolicy { MaxAttempts = maxAttempts }).Problem()?.Field);

    [Fact]
    public void Other_problems_name_their_field()
    {
        Assert.Null(new StepRetryPolicy { MaxAttempts = StepRetryPolicy.MaxAttemptsCap }.Problem());
        Assert.Equal("intervalSeconds", new StepRetryPolicy { IntervalSeconds = -1 }.Problem()?.Field);
        Assert.Equal("backoffRate", new StepRetryPolicy { BackoffRate = 0.9 }.Problem()?.Field);
        Assert.Equal("maxIntervalSeconds", new StepRetryPolicy { MaxIntervalSeconds = double.NaN }.Problem()?.Field);
        Assert.Equal("nonRetryable", new StepRetryPolicy { NonRetryable = ["http-4xx"] }.Problem()?.Field);
        Assert.Null(new StepRetryPolicy { NonRetryable = ["timeout", "503", "HTTP-429"] }.Problem());
    }

    public static TheoryData<Exception, string, bool> Failures => new()
    {
        { new StepTimeoutException(TimeSpan.FromSeconds(1)), ErrorClasses.Timeout, true },
        { new HttpStepException("GET", new Uri("http://127.0.0.1/"), TimeSpan.FromSeconds(1), new TaskCanceledException()), ErrorClasses.Timeout, true },
        { new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused)), ErrorClasses.Connection, true },
        { new IOException("Connection reset by peer"), ErrorClasses.Connection, true },
        { Http(408), ErrorClasses.Http408, true },
        { Http(429), ErrorClasses.Http429, true },
        { Http(500), ErrorClasses.Http5xx, true },
        { Http(503), ErrorClasses.Http5xx, true },
        { Http(404), ErrorClasses.Http4xx, false },
        { Http(400), ErrorClasses.Http4xx, false },
        { new HttpHostNotAllowedException("refused", "not allowed"), ErrorClasses.Parameters, false },
        { new ArgumentException("bad parameter"), ErrorClasses.Parameters, false },
        { new UnknownActionException("nope"), ErrorClasses.Parameters, false },
        { new InvalidOperationException("custom action broke"), ErrorClasses.Action, true },
        { new PermanentStepException("never again"), ErrorClasses.Permanent, false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Failures_are_classified_transient_or_not(Exception failure, string errorClass, bool transient)
    {
        var kind = ErrorClasses.Classify(failure);
        Assert.Equal(errorClass, kind.Name);
        Assert.Equal(transient, kind.Transient);
    }

    [Fact]
    public void A_429_carries_its_Retry_After_and_nonRetryable_narrows_by_class_or_status()
    {
        var kind = ErrorClasses.Classify(new HttpStepException("GET", new Uri("http://127.0.0.1/"), HttpStatusCode.TooManyRequests, "slow down") { RetryAfter = TimeSpan.FromSeconds(7) });
        Assert.Equal(TimeSpan.FromSeconds(7), kind.RetryAfter);
        Assert.True(new StepRetryPolicy { NonRetryable = ["http-429"] }.Excludes(kind.Name, kind.HttpStatus));
        Assert.True(new StepRetryPolicy { NonRetryable = ["429"] }.Excludes(kind.Name, kind.HttpStatus));
        Assert.False(new StepRetryPolicy { NonRetryable = ["503"] }.Excludes(kind.Name, kind.HttpStatus));
    }

    private static HttpStepException Http(int status) => new("GET", new Uri("http://127.0.0.1/"), (HttpStatusCode)status, "body");
}
