using BenchmarkDotNet.Attributes;
using StsEmulator;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Benchmarks;

/// <summary>
/// (a) One exchange through StsClient against the same exchange as a bare HttpClient form POST, both to the
/// emulator on loopback. Goal: StsClient at most 1.10× the bare call's time.
/// </summary>
[MemoryDiagnoser]
public class ExchangeBenchmarks
{
    private StsEmulatorHost emulator = null!;
    private StsClient client = null!;
    private HttpClient bare = null!;
    private string subjectToken = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        emulator = await StsEmulatorHost.StartAsync();
        emulator.State.RecordRequests = false;
        subjectToken = emulator.State.Issue("https://www.googleapis.com/auth/cloud-platform", "benchmark", TimeSpan.FromDays(1));
        emulator.State.RememberIssuedTokens = false;
        client = new StsClient(emulator.TokenEndpoint);
        bare = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        await StsClient();
        await BareHttpClient();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        bare.Dispose();
        await emulator.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<string> BareHttpClient()
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = TokenTypes.TokenExchangeGrantType,
            ["scope"] = "https://www.googleapis.com/auth/cloud-platform",
            ["requested_token_type"] = TokenTypes.AccessToken,
            ["subject_token"] = subjectToken,
            ["subject_token_type"] = TokenTypes.AccessToken,
        });
        using var response = await bare.PostAsync(emulator.TokenEndpoint, content);
        return await response.Content.ReadAsStringAsync();
    }

    [Benchmark]
    public async Task<string> StsClient()
    {
        var request = new TokenExchangeRequest { SubjectToken = subjectToken, SubjectTokenType = TokenTypes.AccessToken, RequestedTokenType = TokenTypes.AccessToken };
        request.Scopes.Add("https://www.googleapis.com/auth/cloud-platform");
        return (await client.ExchangeTokenAsync(request)).AccessToken;
    }
}
