using StsPowerShell.Core.Http;
using StsPowerShell.Core.Http.Proxies;

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
    public void EachRouteHasOneSharedClient()
    {
        var direct = SharedHttpClient.For(ProxyRoute.Direct("loopback address"));
        var proxied = SharedHttpClient.For(ProxyRoute.Through(new Uri("http://127.0.0.1:3128"), new System.Net.NetworkCredential("user", "one"), false, "Proxy parameter"));

        Assert.Same(direct, SharedHttpClient.For(ProxyRoute.Direct("NoProxy")));
        Assert.Same(proxied, SharedHttpClient.For(ProxyRoute.Through(new Uri("http://127.0.0.1:3128"), new System.Net.NetworkCredential("user", "one"), false, "HTTPS_PROXY")));
        Assert.NotSame(proxied, SharedHttpClient.For(ProxyRoute.Through(new Uri("http://127.0.0.1:3128"), new System.Net.NetworkCredential("user", "two"), false, "Proxy parameter")));
        Assert.NotSame(direct, proxied);
    }
}
