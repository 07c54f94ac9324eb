using System.Diagnostics;
using StsEmulator;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Tests.Support;
using Xunit.Abstractions;

namespace StsPowerShell.Tests.Evidence;

/// <summary>
/// 64 concurrent callers × 2,000 exchanges against the emulator from one process: every exchange succeeds, the
/// shared HttpClient reuses its connections (no socket exhaustion), and managed memory stays bounded.
/// </summary>
public class LoadTests(ITestOutputHelper output)
{
    private const int Callers = 64;
    private const int ExchangesPerCaller = 2000;

    [Fact]
    public async Task SixtyFourCallersTimesTwoThousandExchanges()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.RecordRequests = false;
        emulator.State.RememberIssuedTokens = false;
        var jwt = emulator.MintJwt(new StsEmulator.Jwt.JwtSpec { ExpiresAt = DateTimeOffset.UtcNow.AddHours(2) });
        var client = new StsClient(emulator.TokenEndpoint);
        await client.ExchangeTokenAsync(Exchanges.Jwt(jwt));
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        var memoryBefore = GC.GetTotalMemory(true);
        var failures = 0;
        var stopwatch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < ExchangesPerCaller; i++)
            {
                var response = await client.ExchangeTokenAsync(Exchanges.Jwt(jwt));
                if (string.IsNullOrEmpty(response.AccessToken))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));

        stopwatch.Stop();
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        var memoryGrowth = GC.GetTotalMemory(true) - memoryBefore;
        var connections = emulator.State.ConnectionIds.Count;
        output.WriteLine($"{Callers * ExchangesPerCaller} exchanges in {stopwatch.Elapsed.TotalSeconds:0.0} s ({Callers * ExchangesPerCaller / stopwatch.Elapsed.TotalSeconds:0} per second), {connections} connections, managed memory {memoryGrowth / 1024 / 1024.0:+0.0;-0.0} MiB");

        Assert.Equal(0, failures);
        Assert.Equal(Callers * ExchangesPerCaller + 1, emulator.State.RequestCount);
        Assert.InRange(connections, 1, 2 * Callers);
        Assert.InRange(memoryGrowth, long.MinValue, 64L * 1024 * 1024);
    }
}
