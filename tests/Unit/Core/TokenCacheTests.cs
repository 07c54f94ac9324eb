using StsPowerShell.Core.Exchange;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Core;

public class TokenCacheTests
{
    private static IssuedToken Token(string value, DateTimeOffset? expires) => new(value, null, "Bearer", expires, null, new Uri("https://sts.example/"));

    [Fact]
    public async Task TokensWithoutAnExpiryAreNeverReused()
    {
        var cache = new TokenCache(() => TestOptions.FixedNow);
        var fetches = 0;
        for (var i = 0; i < 3; i++)
        {
            var token = await cache.GetAsync("k", false, null, _ => Task.FromResult(Token("t" + ++fetches, null)), CancellationToken.None);
            Assert.Equal("t" + fetches, token.Token);
        }

        Assert.Equal(3, fetches);
    }

    [Fact]
    public async Task StaleEntriesAreSweptOnceTheCacheGrowsPastItsThreshold()
    {
        var now = TestOptions.FixedNow;
        var cache = new TokenCache(() => now);
        for (var i = 0; i < TokenCache.SweepThreshold; i++)
        {
            await cache.GetAsync("old" + i, false, null, _ => Task.FromResult(Token("t", now.AddMinutes(10))), CancellationToken.None);
        }

        Assert.Equal(TokenCache.SweepThreshold, cache.Count);
        now = now.AddHours(1);
        await cache.GetAsync("fresh", false, null, _ => Task.FromResult(Token("t", now.AddHours(1))), CancellationToken.None);

        Assert.Equal(1, cache.Count);
        var logger = new RecordingLogger();
        var reused = await cache.GetAsync("fresh", false, logger, _ => Task.FromResult(Token("other", now.AddHours(1))), CancellationToken.None);
        Assert.Equal("t", reused.Token);
        Assert.Contains("VERBOSE: Reusing the session's token", logger.All);
    }

    [Fact]
    public void KeysDoNotContainWhatWentIntoThem()
    {
        var key = TokenCache.Key("endpoint", "client-secret-value-9f1", "subject-token-value");
        Assert.DoesNotContain("client-secret", key);
        Assert.NotEqual(key, TokenCache.Key("endpoint", "client-secret-value-9f1", "subject-token-valuf"));
        Assert.NotEqual(TokenCache.Key("a", "bc"), TokenCache.Key("ab", "c"));
    }
}
