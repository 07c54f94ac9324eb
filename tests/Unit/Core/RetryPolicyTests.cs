using System.Net.Http.Headers;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Tests.Core;

public class RetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 0.0, 800)]
    [InlineData(1, 0.5, 1000)]
    [InlineData(2, 0.5, 2000)]
    [InlineData(3, 0.5, 4000)]
    [InlineData(3, 0.999, 4798)]
    public void DoublesTheIntervalWithJitterBetween80And120Percent(int failedAttempt, double jitter, int expectedMilliseconds)
    {
        var policy = new RetryPolicy { RetryInterval = TimeSpan.FromSeconds(1), NextJitter = () => jitter };
        var delay = policy.ComputeDelay(failedAttempt, null, Now, TimeSpan.FromMinutes(5));
        Assert.InRange(delay.TotalMilliseconds, expectedMilliseconds - 1, expectedMilliseconds + 1);
    }

    [Fact]
    public void RetryAfterSecondsOverridesTheInterval()
    {
        var policy = new RetryPolicy();
        Assert.Equal(TimeSpan.FromSeconds(7), policy.ComputeDelay(1, new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void RetryAfterDateCountsFromTheClock()
    {
        var policy = new RetryPolicy();
        Assert.Equal(TimeSpan.FromSeconds(12), policy.ComputeDelay(1, new RetryConditionHeaderValue(Now.AddSeconds(12)), Now, TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.Zero, policy.ComputeDelay(1, new RetryConditionHeaderValue(Now.AddSeconds(-12)), Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void EveryDelayIsCappedAt60SecondsAndAtTheTimeout()
    {
        var policy = new RetryPolicy { RetryInterval = TimeSpan.FromSeconds(50), NextJitter = () => 0.5 };
        Assert.Equal(TimeSpan.FromSeconds(60), policy.ComputeDelay(4, null, Now, TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.ComputeDelay(1, new RetryConditionHeaderValue(TimeSpan.FromHours(1)), Now, TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromSeconds(5), policy.ComputeDelay(1, new RetryConditionHeaderValue(TimeSpan.FromHours(1)), Now, TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(501, false)]
    public void OnlyTransientStatusesAreRetried(int status, bool transient)
    {
        Assert.Equal(transient, RetryPolicy.IsTransientStatus(status));
    }

    [Fact]
    public void RetryCountIsBounded()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { MaximumRetryCount = 11 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { MaximumRetryCount = -1 });
    }
}
