using StsPowerShell.Core.Http;

namespace StsPowerShell.Tests.Core;

/// <summary>The shared client is created once; a failed creation does not stick for the rest of the session.</summary>
public class CreatedOnceTests
{
    [Fact]
    public void AFailedCreationIsTriedAgainOnTheNextUse()
    {
        var calls = 0;
        var once = new CreatedOnce<object>(() => ++calls == 1 ? throw new NotSupportedException("refused TLS setting") : new object());

        Assert.Throws<NotSupportedException>(() => once.Value);
        var created = once.Value;

        Assert.Same(created, once.Value);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void ConcurrentFirstUsesCreateOneValue()
    {
        var calls = 0;
        var once = new CreatedOnce<object>(() =>
        {
            Interlocked.Increment(ref calls);
            Thread.Sleep(50);
            return new object();
        });

        var values = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(_ => once.Value).Distinct().ToArray();

        Assert.Single(values);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void TheSharedClientIsOneInstance()
    {
        Assert.Same(SharedHttpClient.Instance, SharedHttpClient.Instance);
    }
}
