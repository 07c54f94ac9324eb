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

    private FormUrlEncodedContent FormContent() => new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = TokenTypes.TokenExchangeGrantType,
        ["scope"] = "https://www.googleapis.com/auth/cloud-platform",
        ["requested_token_type"] = TokenTypes.AccessToken,
        ["subject_token"] = subjectToken,
        ["subject_token_type"] = TokenTypes.AccessToken,
    });

    [GlobalCleanup]
    public async Task Cleanup()
    {
        bare.Dispose();
        await emulator.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<string> BareHttpClient()
    {
        using var content = FormContent();
        using var response = await bare.PostAsync(emulator.TokenEndpoint, content);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Whether the streamed control passes a cancellable token, as the per-attempt timeout needs.</summary>
    [Params(false, true)]
    public bool Cancellable { get; set; }

    // The profile's control: the same bare POST, but reading the answer as StsClient must (headers first, then
    // the body in a bounded loop), with or without a cancellable token.
    [Benchmark]
    public async Task<string> BareHttpClientStreamed()
    {
        using var content = FormContent();
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.TokenEndpoint) { Content = content };
        using var attempt = Cancellable ? new CancellationTokenSource(TimeSpan.FromSeconds(30)) : null;
        var token = attempt?.Token ?? CancellationToken.None;
        using var response = await bare.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        using var stream = await response.Content.ReadAsStreamAsync(token);
        var buffer = new byte[4096];
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(length), token)) > 0)
        {
            length += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    [Benchmark]
    public async Task<string> StsClient()
    {
        var request = new TokenExchangeRequestBuilder { SubjectToken = subjectToken, SubjectTokenType = TokenTypes.AccessToken, RequestedTokenType = TokenTypes.AccessToken };
        request.Scopes.Add("https://www.googleapis.com/auth/cloud-platform");
        return (await client.ExchangeTokenAsync(request.Build())).AccessToken;
    }
}
