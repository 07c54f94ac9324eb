using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StsEmulator;
using StsEmulator.Faults;
using StsPowerShell.Core.Http;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Evidence;

/// <summary>
/// Each fault on each server path, over real HTTP: either retried and succeeded, or a typed error (an
/// StsException) within the time bound; the number of attempts the emulator saw is asserted every time.
/// </summary>
public class FaultInjectionTests
{
    // Short where the fault is slowness (the timeout is what is tested; the faults last minutes), yet long enough
    // for a busy machine to deliver the request first; generous elsewhere so it never turns a success into a timeout.
    private static readonly TimeSpan SlowFaultTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public enum Outcome
    {
        RetriedThenSucceeded,
        TypedError,
    }

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in ServerPaths.Names)
        {
            foreach (var fault in Faults.Keys)
            {
                data.Add(path, fault);
            }
        }

        return data;
    }

    // The fault, what must happen, and how many requests the emulator must see.
    private static readonly Dictionary<string, (Func<StsEmulatorHost, Fault> Fault, Outcome Outcome, int Attempts)> Faults = new()
    {
        ["reset mid-response"] = (_ => Fault.ResetMidBody(), Outcome.RetriedThenSucceeded, 2),
        ["connection dropped"] = (_ => Fault.Dropped(), Outcome.RetriedThenSucceeded, 2),
        ["slow headers"] = (_ => Fault.SlowHeaders(TimeSpan.FromMinutes(2)), Outcome.TypedError, 1),
        ["slow body"] = (_ => new Fault { Status = 200, Body = "{\"access_token\":\"slow-token-value\",\"value\":\"x\"}", DelayMidBody = TimeSpan.FromMinutes(2) }, Outcome.TypedError, 1),
        ["500"] = (_ => Fault.WithStatus(500), Outcome.RetriedThenSucceeded, 2),
        ["502"] = (_ => Fault.WithStatus(502), Outcome.RetriedThenSucceeded, 2),
        ["503"] = (_ => Fault.WithStatus(503), Outcome.RetriedThenSucceeded, 2),
        ["504"] = (_ => Fault.WithStatus(504), Outcome.RetriedThenSucceeded, 2),
        ["429 without Retry-After"] = (_ => Fault.WithStatus(429), Outcome.RetriedThenSucceeded, 2),
        ["429 Retry-After seconds"] = (_ => Fault.WithStatus(429, retryAfter: "3"), Outcome.RetriedThenSucceeded, 2),
        ["429 Retry-After date"] = (_ => Fault.WithStatus(429, retryAfter: TestOptions.FixedNow.AddSeconds(5).ToString("r", CultureInfo.InvariantCulture)), Outcome.RetriedThenSucceeded, 2),
        ["200 with HTML"] = (_ => Fault.WithStatus(200, "<html><body>Please sign in</body></html>", contentType: "text/html"), Outcome.TypedError, 1),
        ["truncated JSON"] = (_ => Fault.WithStatus(200, "{\"access_token\":\"cut-"), Outcome.TypedError, 1),
        ["JSON without the token"] = (_ => Fault.WithStatus(200, "{\"token_type\":\"Bearer\"}"), Outcome.TypedError, 1),
        ["50 MB body"] = (_ => new Fault { Status = 200, BodyBytes = 50L * 1024 * 1024 }, Outcome.TypedError, 1),
        ["gzip body not asked for"] = (_ => new Fault { Status = 200, Body = "{\"access_token\":\"not really gzip\"}", ContentEncoding = "gzip" }, Outcome.TypedError, 1),
        ["deflate body not asked for"] = (_ => new Fault { Status = 200, Body = "{\"access_token\":\"not really deflate\"}", ContentEncoding = "deflate" }, Outcome.TypedError, 1),
        ["redirect to another host"] = (e => new Fault { Status = 302, Location = "http://127.0.0.2:" + new Uri(e.BaseUrl).Port + "/elsewhere", Body = string.Empty }, Outcome.TypedError, 1),
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachFaultOnEachPath(string path, string fault)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => TestOptions.FixedNow;
        var (makeFault, outcome, attempts) = Faults[fault];
        emulator.EnqueueFault(makeFault(emulator));
        var options = new TestOptions();
        var stopwatch = Stopwatch.StartNew();

        var call = ServerPaths.All[path](emulator, emulator.BaseUrl, options.Create(timeout: fault.StartsWith("slow", StringComparison.Ordinal) ? SlowFaultTimeout : Timeout));
        if (outcome == Outcome.RetriedThenSucceeded)
        {
            await call;
            Assert.Single(options.Delays);
            if (fault == "429 Retry-After seconds")
            {
                Assert.Equal(TimeSpan.FromSeconds(3), options.Delays.Single());
            }
        }
        else
        {
            var error = await Assert.ThrowsAnyAsync<StsException>(() => call);
            Assert.Empty(options.Delays);
            Assert.DoesNotContain("slow-token-value", error.ToString());
        }

        Assert.Equal(attempts, emulator.State.RequestCount);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"{path} with {fault} took {stopwatch.Elapsed}.");
    }

    [Theory]
    [MemberData(nameof(PathNames))]
    public async Task ARefusedConnectionIsRetriedThenATypedError(string path)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new TestOptions();

        await Assert.ThrowsAnyAsync<StsException>(() => ServerPaths.All[path](emulator, $"http://127.0.0.1:{closedPort}", options.Create(maximumRetryCount: 2, timeout: Timeout)));

        Assert.Equal(2, options.Delays.Count);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    public static TheoryData<string> PathNames() => new(ServerPaths.Names);

    [Fact]
    public async Task ARetryAfterLongerThanTheCapIsCappedNotObeyed()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(503, retryAfter: "86400"));
        var options = new TestOptions();
        await ServerPaths.All["sts"](emulator, emulator.BaseUrl, options.Create(timeout: TimeSpan.FromMinutes(10)));
        Assert.Equal(TimeSpan.FromSeconds(60), options.Delays.Single());
    }
}
